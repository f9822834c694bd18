import type Database from "better-sqlite3";

export const AUDIT_ACTIONS = [
  "login",
  "logout",
  "login_failed",
  "user_created",
  "user_changed",
  "token_created",
  "token_revoked",
  "classified",
  "batch_uploaded",
  "questions_answered",
  "reviewed",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who did what, when. `detail` is short text for people (never a password or a token). */
export interface AuditEvent {
  readonly id: number;
  readonly at: string;
  /** The account name, or null for the implicit local user (no accounts). */
  readonly user: string | null;
  readonly action: AuditAction;
  /** What it was done to: a record or batch id, an account name, a token's name. */
  readonly target: string | null;
  readonly detail: string | null;
}

export interface AuditFilter {
  readonly user?: string | undefined;
  /** ISO dates (YYYY-MM-DD), both days included. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly offset: number;
  readonly limit: number;
}

export interface AuditStore {
  record(event: Omit<AuditEvent, "id" | "at">, now: Date): void;
  /**
   * Records an event with the others of the same moment, in one transaction (the path of every
   * classification: it must not cost a commit of its own).
   */
  recordSoon(event: Omit<AuditEvent, "id" | "at">, now: Date): void;
  /** Newest first, with the number of events the filter matches. */
  query(filter: AuditFilter): { events: AuditEvent[]; total: number };
  /** The names that appear in the log, for the filter's list. */
  users(): string[];
}

export const AUDIT_SCHEMA = `
  CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_name TEXT,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT
  ) STRICT;
  CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
  CREATE INDEX IF NOT EXISTS audit_user ON audit (user_name, at);
`;

export function auditStore(db: Database.Database): AuditStore {
  db.exec(AUDIT_SCHEMA);
  const insert = db.prepare("INSERT INTO audit (at, user_name, action, target, detail) VALUES (?, ?, ?, ?, ?)");
  const insertAll = db.transaction((rows: { at: string; e: Omit<AuditEvent, "id" | "at"> }[]) => {
    for (const { at, e } of rows) insert.run(at, e.user, e.action, e.target, e.detail);
  });
  const selectUsers = db.prepare<[], { user_name: string }>("SELECT DISTINCT user_name FROM audit WHERE user_name IS NOT NULL ORDER BY user_name");
  let pending: { at: string; e: Omit<AuditEvent, "id" | "at"> }[] = [];
  const flush = () => {
    const rows = pending;
    pending = [];
    try {
      insertAll(rows);
    } catch {
      // A full disk loses these lines, not the classifications they describe (already stored).
    }
  };
  const where = (f: AuditFilter) => {
    const clauses: string[] = [];
    const params: string[] = [];
    if (f.user) {
      clauses.push("user_name = ?");
      params.push(f.user);
    }
    if (f.from) {
      clauses.push("at >= ?");
      params.push(f.from);
    }
    if (f.to) {
      // The whole of the last day: every time on it sorts before the next day's date.
      clauses.push("at < ?");
      params.push(nextDay(f.to));
    }
    return { sql: clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "", params };
  };
  return {
    record(e, now) {
      insert.run(now.toISOString(), e.user, e.action, e.target, e.detail);
    },
    recordSoon(e, now) {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ at: now.toISOString(), e });
    },
    query(f) {
      if (pending.length > 0) flush();
      const { sql, params } = where(f);
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM audit ${sql}`).get(...params) as { n: number }).n;
      const events = db
        .prepare(`SELECT id, at, user_name AS user, action, target, detail FROM audit ${sql} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`)
        .all(...params, f.limit, f.offset) as AuditEvent[];
      return { events, total };
    },
    users: () => selectUsers.all().map((r) => r.user_name),
  };
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
