/** Whether an error says the disk (or the quota) is full: SQLite's SQLITE_FULL, the system's ENOSPC or EDQUOT. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "ENOSPC" || code === "EDQUOT" || code === "SQLITE_FULL" || (typeof code === "string" && code.startsWith("SQLITE_FULL"));
}

/** What a user is told when nothing could be stored; both languages, since an API client may read either. */
export const DISK_FULL_MESSAGE = {
  en: "The server's disk is full; nothing you sent was stored. Try again later, or tell whoever runs this service.",
  zh: "服务器磁盘已满，您提交的内容均未保存。请稍后重试，或联系本服务的管理员。",
} as const;
