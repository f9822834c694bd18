import { randomBytes } from "node:crypto";
import type Database from "better-sqlite3";
import type { Role } from "../core/roles.ts";

export interface User {
  readonly id: number;
  readonly name: string;
  readonly role: Role;
  readonly disabled: boolean;
  readonly createdAt: string;
}

export interface UserWithHash extends User {
  readonly passwordHash: string;
}

export interface ApiToken {
  readonly id: string;
  readonly userId: number;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export interface StoredSession {
  readonly data: string;
  readonly userId: number | null;
  readonly expires: number;
}

/** Local accounts, their API tokens (hashes only) and their browser sessions, in the app's database. */
export interface UserStore {
  /** Whether any account exists: with none, the app runs as one local user. */
  any(): boolean;
  create(user: { name: string; passwordHash: string; role: Role }, now: Date): User;
  byName(name: string): UserWithHash | null;
  byId(id: number): UserWithHash | null;
  list(): User[];
  setRole(id: number, role: Role): void;
  setDisabled(id: number, disabled: boolean): void;
  setPasswordHash(id: number, hash: string): void;

  addToken(token: { id: string; userId: number; name: string; role: Role; hash: string }, now: Date): ApiToken;
  tokenByHash(hash: string): ApiToken | null;
  tokensOf(userId: number): ApiToken[];
  tokenUsed(id: string, now: Date): void;
  /** Revokes one of a user's tokens; false when the user has no such live token. */
  revokeToken(userId: number, id: string, now: Date): boolean;

  getSession(sid: string, now: Date): StoredSession | null;
  setSession(sid: string, session: StoredSession): void;
  touchSession(sid: string, expires: number): void;
  destroySession(sid: string): void;
  /** Ends every session of one user ("log out everywhere"); how many were ended. */
  destroySessionsOf(userId: number): number;
  /** The secret that signs session cookies, made once and kept, so sessions survive a restart. */
  sessionSecret(): string;
}

export const USER_SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS api_tokens (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
  ) STRICT;
  CREATE INDEX IF NOT EXISTS api_tokens_user ON api_tokens (user_id, created_at);
  CREATE TABLE IF NOT EXISTS sessions (
    sid TEXT PRIMARY KEY,
    user_id INTEGER,
    expires INTEGER NOT NULL,
    data TEXT NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);
  CREATE TABLE IF NOT EXISTS app_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;
`;

interface UserRow {
  id: number;
  name: string;
  password_hash: string;
  role: string;
  disabled: number;
  created_at: string;
}

interface TokenRow {
  id: string;
  user_id: number;
  name: string;
  role: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const toUser = (r: UserRow): UserWithHash => ({
  id: r.id,
  name: r.name,
  role: r.role as Role,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
  passwordHash: r.password_hash,
});

const toToken = (r: TokenRow): ApiToken => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  role: r.role as Role,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

const withoutHash = ({ passwordHash: _hash, ...user }: UserWithHash): User => user;

export function userStore(db: Database.Database): UserStore {
  db.exec(USER_SCHEMA);
  const anyUser = db.prepare<[], { n: number }>("SELECT EXISTS (SELECT 1 FROM users) AS n");
  const insertUser = db.prepare("INSERT INTO users (name, password_hash, role, created_at) VALUES (?, ?, ?, ?)");
  const selectByName = db.prepare<[string], UserRow>("SELECT * FROM users WHERE name = ?");
  const selectById = db.prepare<[number], UserRow>("SELECT * FROM users WHERE id = ?");
  const selectAll = db.prepare<[], UserRow>("SELECT * FROM users ORDER BY name");
  const updateRole = db.prepare("UPDATE users SET role = ? WHERE id = ?");
  const updateDisabled = db.prepare("UPDATE users SET disabled = ? WHERE id = ?");
  const updateHash = db.prepare("UPDATE users SET password_hash = ? WHERE id = ?");
  const insertToken = db.prepare("INSERT INTO api_tokens (id, user_id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)");
  const selectToken = db.prepare<[string], TokenRow>("SELECT * FROM api_tokens WHERE id = ?");
  const selectTokenByHash = db.prepare<[string], TokenRow>("SELECT * FROM api_tokens WHERE token_hash = ?");
  const selectTokensOf = db.prepare<[number], TokenRow>("SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC");
  const updateTokenUsed = db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?");
  const updateTokenRevoked = db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL");
  const selectSession = db.prepare<[string, number], { data: string; user_id: number | null; expires: number }>(
    "SELECT data, user_id, expires FROM sessions WHERE sid = ? AND expires > ?",
  );
  const upsertSession = db.prepare("INSERT OR REPLACE INTO sessions (sid, user_id, expires, data) VALUES (?, ?, ?, ?)");
  const updateSessionExpiry = db.prepare("UPDATE sessions SET expires = ? WHERE sid = ?");
  const deleteSession = db.prepare("DELETE FROM sessions WHERE sid = ?");
  const deleteSessionsOf = db.prepare("DELETE FROM sessions WHERE user_id = ?");
  const deleteExpired = db.prepare("DELETE FROM sessions WHERE expires <= ?");
  const selectSecret = db.prepare<[string], { value: string }>("SELECT value FROM app_secrets WHERE name = ?");
  const insertSecret = db.prepare("INSERT OR IGNORE INTO app_secrets (name, value) VALUES (?, ?)");
  let sweptAt = 0;
  // Asked on every request. Accounts are never deleted (only disabled), so once one exists the answer
  // stays yes; until then each request asks, and an account made by another process (`npm run user`)
  // counts from the next request.
  let accountSeen = false;

  return {
    any: () => accountSeen || (accountSeen = anyUser.get()?.n === 1),
    create(user, now) {
      const { lastInsertRowid } = insertUser.run(user.name, user.passwordHash, user.role, now.toISOString());
      return withoutHash(toUser(selectById.get(Number(lastInsertRowid)) as UserRow));
    },
    byName: (name) => {
      const r = selectByName.get(name);
      return r ? toUser(r) : null;
    },
    byId: (id) => {
      const r = selectById.get(id);
      return r ? toUser(r) : null;
    },
    list: () => selectAll.all().map((r) => withoutHash(toUser(r))),
    setRole: (id, role) => void updateRole.run(role, id),
    setDisabled: (id, disabled) => void updateDisabled.run(disabled ? 1 : 0, id),
    setPasswordHash: (id, hash) => void updateHash.run(hash, id),

    addToken(t, now) {
      insertToken.run(t.id, t.userId, t.name, t.role, t.hash, now.toISOString());
      return toToken(selectToken.get(t.id) as TokenRow);
    },
    tokenByHash: (hash) => {
      const r = selectTokenByHash.get(hash);
      return r ? toToken(r) : null;
    },
    tokensOf: (userId) => selectTokensOf.all(userId).map(toToken),
    tokenUsed: (id, now) => void updateTokenUsed.run(now.toISOString(), id),
    revokeToken: (userId, id, now) => updateTokenRevoked.run(now.toISOString(), id, userId).changes === 1,

    getSession(sid, now) {
      const ms = now.getTime();
      // Expired sessions are cleared now and then, not on every read.
      if (ms - sweptAt > 3_600_000) {
        sweptAt = ms;
        deleteExpired.run(ms);
      }
      const r = selectSession.get(sid, ms);
      return r ? { data: r.data, userId: r.user_id, expires: r.expires } : null;
    },
    setSession: (sid, s) => void upsertSession.run(sid, s.userId, s.expires, s.data),
    touchSession: (sid, expires) => void updateSessionExpiry.run(expires, sid),
    destroySession: (sid) => void deleteSession.run(sid),
    destroySessionsOf: (userId) => deleteSessionsOf.run(userId).changes,
    sessionSecret() {
      insertSecret.run("session", randomBytes(32).toString("base64url"));
      return (selectSecret.get("session") as { value: string }).value;
    },
  };
}
