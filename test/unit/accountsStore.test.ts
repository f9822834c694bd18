import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openClassificationStore } from "../../src/store/classificationStore.ts";
import { passwordProblem } from "../../src/app/users.ts";
import { hasRole, lesserRole } from "../../src/core/roles.ts";

describe("a database made before accounts", () => {
  it("opens, gains the who-made-it columns, and keeps its rows readable", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "clc-old-db-")), "old.db");
    const old = new Database(file);
    old.exec(`
      CREATE TABLE classifications (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, as_of TEXT NOT NULL, engine_version TEXT NOT NULL,
        import_edition TEXT, export_edition TEXT, import_verdict TEXT NOT NULL, export_verdict TEXT NOT NULL, result_json TEXT NOT NULL) STRICT;
      CREATE TABLE answer_links (answering_id TEXT PRIMARY KEY, answered_id TEXT NOT NULL, created_at TEXT NOT NULL) STRICT;
      CREATE TABLE batches (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, file_name TEXT NOT NULL, source TEXT NOT NULL, status TEXT NOT NULL,
        options_json TEXT NOT NULL, total_bytes INTEGER, rows_done INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0,
        bytes_read INTEGER NOT NULL DEFAULT 0, started_at TEXT, finished_at TEXT, header_json TEXT, summary_json TEXT, message TEXT,
        failure_json TEXT, editions TEXT, engine_version TEXT NOT NULL) STRICT;
    `);
    const id = "AAAAAAAAAAAAAAAAAAAAAA";
    old.prepare("INSERT INTO classifications VALUES (?, '2025-01-01T00:00:00.000Z', '2025-01-01', '1.0.0', NULL, NULL, 'not_listed', 'not_listed', ?)").run(id, `{"id":"${id}"}`);
    old.prepare(`INSERT INTO batches (id, created_at, file_name, source, status, options_json, engine_version) VALUES ('b', '2025-01-01', 'old.csv', 'upload', 'done', '{}', '1.0.0')`).run();
    old.close();

    const store = openClassificationStore(file);
    expect(store.getJson(id)).toBe(`{"id":"${id}"}`);
    expect(store.madeBy(id)).toBeNull();
    expect(store.batches.get("b")?.createdBy).toBeNull();
    expect(store.users.any()).toBe(false);
    store.close();
    // Opening it again does not try to add the columns twice.
    const again = openClassificationStore(file);
    again.close();
    const check = new Database(file);
    const columns = check.pragma("table_info(classifications)") as { name: string }[];
    check.close();
    expect(columns.filter((c) => c.name === "created_by")).toHaveLength(1);
  });

  it("keeps who made a record, a batch and an answer link", () => {
    const store = openClassificationStore(":memory:");
    const batch = store.batches.create({ id: "b1", fileName: "f.csv", source: "upload", options: { encoding: null, delimiter: null, mapping: {}, asOf: "2026-01-01", lang: "en" }, totalBytes: 1, editions: null, engineVersion: "x" }, new Date(), "alice");
    expect(batch.createdBy).toBe("alice");
    expect(store.batches.list(5)[0]?.createdBy).toBe("alice");
  });
});

describe("password policy and roles", () => {
  it.each([
    ["alice", "short", "tooShort"],
    ["alice", "elevenchars", "tooShort"],
    ["longusername", "LongUserName", "sameAsName"],
    ["alice", "twelve chars", null],
    ["alice", "密码密码密码密码密码密码", null],
  ])("%s / %s → %s", (name, password, problem) => {
    expect(passwordProblem(name, password)).toBe(problem);
  });

  it("orders the roles", () => {
    expect(hasRole("admin", "reviewer")).toBe(true);
    expect(hasRole("classifier", "reviewer")).toBe(false);
    expect(lesserRole("admin", "viewer")).toBe("viewer");
    expect(lesserRole("classifier", "reviewer")).toBe("classifier");
  });
});
