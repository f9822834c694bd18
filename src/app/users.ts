import { createHash, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { type Role, hasRole } from "../core/roles.ts";
import type { ApiToken, User, UserStore } from "../store/userStore.ts";
import { type Actor, type AuditDeps, recordAudit } from "./audit.ts";

/** Account use cases: create and change accounts, sign in, personal API tokens. No HTTP here. */
export interface UserDeps extends AuditDeps {
  readonly users: UserStore;
}

export const PASSWORD_MIN_LENGTH = 12;
const PASSWORD_MAX_LENGTH = 1000;
/** Letters, digits and . _ @ - : names that read the same in a log line, a URL and a CSV cell. */
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export type PasswordProblem = "tooShort" | "tooLong" | "sameAsName";
export type AccountProblem = PasswordProblem | "badName" | "nameTaken" | "badRole" | "noSuchUser" | "lastAdmin";

/** Why a password is refused, or null: at least 12 characters, and not the account's name. */
export function passwordProblem(name: string, password: string): PasswordProblem | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return "tooShort";
  if (password.length > PASSWORD_MAX_LENGTH) return "tooLong";
  if (password.trim().toLowerCase() === name.trim().toLowerCase()) return "sameAsName";
  return null;
}

export const validUserName = (name: string): boolean => USER_NAME.test(name);

export type Outcome<T> = { ok: true; value: T } | { ok: false; field: string; problem: AccountProblem };
const fail = <T>(field: string, problem: AccountProblem): Outcome<T> => ({ ok: false, field, problem });

export async function createUser(deps: UserDeps, input: { name: string; password: string; role: Role }, actor: Actor): Promise<Outcome<User>> {
  const name = input.name.trim();
  if (!validUserName(name)) return fail("name", "badName");
  if (deps.users.byName(name)) return fail("name", "nameTaken");
  const problem = passwordProblem(name, input.password);
  if (problem) return fail("password", problem);
  const user = deps.users.create({ name, passwordHash: await hash(input.password), role: input.role }, deps.now());
  recordAudit(deps, actor, "user_created", user.name, `role ${user.role}`);
  return { ok: true, value: user };
}

/**
 * A hash of a password nobody has, checked when the name is unknown: a wrong name then takes as long
 * as a wrong password, so timing does not tell which names exist.
 */
let decoy: Promise<string> | null = null;

/** Checks a sign-in; the account on success, null otherwise (unknown name, wrong password, disabled). */
export async function verifyLogin(deps: UserDeps, name: string, password: string): Promise<User | null> {
  const user = validUserName(name.trim()) ? deps.users.byName(name.trim()) : null;
  const stored = user?.passwordHash ?? (await (decoy ??= hash(randomBytes(16).toString("hex"))));
  const matches = password.length <= PASSWORD_MAX_LENGTH && (await verify(stored, password).catch(() => false));
  if (!user || !matches || user.disabled) {
    // A name no account has is not written down: it may be a password typed into the wrong field.
    recordAudit(deps, { name: user?.name ?? null }, "login_failed", user?.name ?? null, user ? (user.disabled ? "account disabled" : "wrong password") : "unknown name");
    return null;
  }
  const { passwordHash: _hash, ...account } = user;
  recordAudit(deps, { name: account.name }, "login");
  return account;
}

const admins = (deps: UserDeps) => deps.users.list().filter((u) => u.role === "admin" && !u.disabled);

export function changeRole(deps: UserDeps, name: string, role: Role, actor: Actor): Outcome<User> {
  const user = deps.users.byName(name);
  if (!user) return fail("name", "noSuchUser");
  // Someone must always be able to manage the accounts.
  if (user.role === "admin" && role !== "admin" && admins(deps).length <= 1) return fail("role", "lastAdmin");
  deps.users.setRole(user.id, role);
  // Its sessions end: the next page is served with the new rights, not a cached idea of the old ones.
  deps.users.destroySessionsOf(user.id);
  recordAudit(deps, actor, "user_changed", user.name, `role ${user.role} → ${role}`);
  return { ok: true, value: { ...strip(user), role } };
}

export function setDisabled(deps: UserDeps, name: string, disabled: boolean, actor: Actor): Outcome<User> {
  const user = deps.users.byName(name);
  if (!user) return fail("name", "noSuchUser");
  if (disabled && user.role === "admin" && !user.disabled && admins(deps).length <= 1) return fail("name", "lastAdmin");
  deps.users.setDisabled(user.id, disabled);
  if (disabled) deps.users.destroySessionsOf(user.id);
  recordAudit(deps, actor, "user_changed", user.name, disabled ? "disabled" : "enabled");
  return { ok: true, value: { ...strip(user), disabled } };
}

export async function resetPassword(deps: UserDeps, name: string, password: string, actor: Actor): Promise<Outcome<User>> {
  const user = deps.users.byName(name);
  if (!user) return fail("name", "noSuchUser");
  const problem = passwordProblem(user.name, password);
  if (problem) return fail("password", problem);
  deps.users.setPasswordHash(user.id, await hash(password));
  deps.users.destroySessionsOf(user.id);
  recordAudit(deps, actor, "user_changed", user.name, "password reset");
  return { ok: true, value: strip(user) };
}

/** Ends every session of the account, this browser's included. */
export function logoutEverywhere(deps: UserDeps, user: User): number {
  const ended = deps.users.destroySessionsOf(user.id);
  recordAudit(deps, { name: user.name }, "logout", null, `everywhere (${ended} session${ended === 1 ? "" : "s"})`);
  return ended;
}

const strip = ({ passwordHash: _hash, ...user }: User & { passwordHash?: string }): User => user;

/** The stored form of a token: it is 256 random bits, so a fast hash is enough (no guessing to slow). */
export const tokenHash = (raw: string): string => createHash("sha256").update(raw).digest("hex");

const TOKEN_PREFIX = "clc_";
const TOKEN_NAME_MAX = 80;

export type TokenProblem = "badName" | "badRole" | "roleAboveUser";

/** Makes a personal API token; the raw token is returned once and never stored. */
export function createToken(
  deps: UserDeps,
  user: User,
  input: { name: string; role: Role },
): { ok: true; raw: string; token: ApiToken } | { ok: false; field: string; problem: TokenProblem } {
  const name = input.name.trim();
  if (name === "" || name.length > TOKEN_NAME_MAX) return { ok: false, field: "name", problem: "badName" };
  if (!hasRole(user.role, input.role)) return { ok: false, field: "role", problem: "roleAboveUser" };
  const raw = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const token = deps.users.addToken({ id: randomBytes(9).toString("base64url"), userId: user.id, name, role: input.role, hash: tokenHash(raw) }, deps.now());
  recordAudit(deps, { name: user.name }, "token_created", name, `role ${input.role}`);
  return { ok: true, raw, token };
}

export function revokeToken(deps: UserDeps, user: User, id: string): boolean {
  const token = deps.users.tokensOf(user.id).find((t) => t.id === id);
  if (!token || !deps.users.revokeToken(user.id, id, deps.now())) return false;
  recordAudit(deps, { name: user.name }, "token_revoked", token.name);
  return true;
}

/**
 * The account and the rights a bearer token gives: the token's role, never more than its user has
 * now. Null for an unknown, revoked or malformed token, or a disabled account.
 */
export function authenticateToken(deps: UserDeps, raw: string): { user: User; role: Role } | null {
  if (!raw.startsWith(TOKEN_PREFIX) || raw.length > 200) return null;
  const token = deps.users.tokenByHash(tokenHash(raw));
  if (!token || token.revokedAt) return null;
  const user = deps.users.byId(token.userId);
  if (!user || user.disabled) return null;
  deps.users.tokenUsed(token.id, deps.now());
  return { user: strip(user), role: hasRole(user.role, token.role) ? token.role : user.role };
}
