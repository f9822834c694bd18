/**
 * Roles, ordered: each can do what the one before it can, and more. A viewer reads; a classifier
 * also classifies, uploads batches and answers questions; a reviewer also confirms or overrides a
 * result; an admin also manages users and reads the audit log.
 */
export const ROLES = ["viewer", "classifier", "reviewer", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => typeof value === "string" && (ROLES as readonly string[]).includes(value);

/** Whether `held` carries the rights of `needed`. */
export const hasRole = (held: Role, needed: Role): boolean => ROLES.indexOf(held) >= ROLES.indexOf(needed);

/** The lesser of two roles: a token never carries more than its user has now. */
export const lesserRole = (a: Role, b: Role): Role => (hasRole(a, b) ? b : a);
