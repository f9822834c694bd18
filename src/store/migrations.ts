import type Database from "better-sqlite3";

/**
 * Adds a nullable column to a table of an existing database, once: SQLite has no
 * `ADD COLUMN IF NOT EXISTS`, so the table's columns are read first. A database made before the
 * column existed opens as it was, its old rows holding null.
 */
export function addColumnIfMissing(db: Database.Database, table: string, column: string, type: string): void {
  const columns = db.pragma(`table_info(${table})`) as { name: string }[];
  if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}
