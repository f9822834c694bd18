import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openClassificationStore } from "../../src/store/classificationStore.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Runs `npm run user -- …` as a person would (node with tsx), on a database of its own. */
function user(database: string, args: string[], input = "") {
  const res = spawnSync(process.execPath, ["--import", "tsx", "src/cli/user.ts", ...args], {
    cwd: ROOT,
    input,
    encoding: "utf8",
    env: { ...process.env, DATABASE_PATH: database },
    timeout: 30_000,
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

describe("npm run user", () => {
  it("adds the first admin from standard input, lists, changes a role and disables, refusing what breaks a rule", () => {
    const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "clc-user-cmd-")), "c.db");
    const password = "a long enough password";
    const added = user(db, ["add", "--admin", "alice"], `${password}\n`);
    expect(added.code, added.err).toBe(0);
    expect(added.out).toContain("Added alice (admin).");
    expect(added.out + added.err).not.toContain(password);

    const short = user(db, ["add", "bob", "--password-stdin"], "too short\n");
    expect(short.code).toBe(1);
    expect(short.err).toContain("at least 12 characters");
    expect(user(db, ["add", "--role", "reviewer", "bob", "--password-stdin"], "bob's long password\n").code).toBe(0);
    expect(user(db, ["role", "bob", "viewer"]).code).toBe(0);
    expect(user(db, ["disable", "alice"]).err).toContain("last active admin");
    expect(user(db, ["disable", "bob"]).code).toBe(0);
    const list = user(db, ["list"]);
    expect(list.out).toMatch(/^alice\tadmin\tactive\t/m);
    expect(list.out).toMatch(/^bob\tviewer\tdisabled\t/m);
    expect(user(db, ["role", "bob", "owner"]).code).toBe(2);

    const store = openClassificationStore(db);
    const actions = store.audit.query({ offset: 0, limit: 10 }).events.map((e) => [e.user, e.action, e.target]);
    store.close();
    expect(actions).toContainEqual(["(command line)", "user_created", "alice"]);
    expect(actions).toContainEqual(["(command line)", "user_changed", "bob"]);
  });
});
