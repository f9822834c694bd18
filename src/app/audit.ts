import type { AuditAction, AuditStore } from "../store/auditStore.ts";

/** Who does something: an account's name, or null for the implicit local user (no accounts yet). */
export interface Actor {
  readonly name: string | null;
}

export interface AuditDeps {
  readonly audit: AuditStore;
  readonly now: () => Date;
}

/**
 * Writes one line of the audit log. `detail` is for people and never holds a secret: callers pass
 * names, ids and roles, never a password or a token.
 */
export function recordAudit(deps: AuditDeps, actor: Actor, action: AuditAction, target: string | null = null, detail: string | null = null): void {
  deps.audit.record({ user: actor.name, action, target, detail }, deps.now());
}

/** The same, committed with the other lines of the same moment: for the paths every classification takes. */
export function recordAuditSoon(deps: AuditDeps, actor: Actor, action: AuditAction, target: string | null = null, detail: string | null = null): void {
  deps.audit.recordSoon({ user: actor.name, action, target, detail }, deps.now());
}
