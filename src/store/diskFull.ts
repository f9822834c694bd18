/** Whether an error says the disk (or the quota) is full: SQLite's SQLITE_FULL, the system's ENOSPC or EDQUOT. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "ENOSPC" || code === "EDQUOT" || code === "SQLITE_FULL" || (typeof code === "string" && code.startsWith("SQLITE_FULL"));
}
