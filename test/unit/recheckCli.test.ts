import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createClassifier } from "../../src/core/classify.ts";
import { openClassificationStore } from "../../src/store/classificationStore.ts";
import { recheckCli } from "../../src/cli/recheck.ts";
import { listData } from "../support/testApp.ts";
import { BEFORE, ITEMS, TODAY, withLaterExportEdition } from "../support/recheckData.ts";

/** A database file with one record per item, stored before the new edition. */
function databaseBefore(): { file: string; ids: Record<keyof typeof ITEMS, string> } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "clc-recheck-")), "classifier.db");
  const store = openClassificationStore(file);
  const classifier = createClassifier(listData());
  const ids = Object.fromEntries(
    Object.entries(ITEMS).map(([key, item]) => [key, store.save(classifier.classify({ description: item.description, asOf: BEFORE })).id]),
  ) as Record<keyof typeof ITEMS, string>;
  store.close();
  return { file, ids };
}

async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await recheckCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    now: () => TODAY,
    listData: withLaterExportEdition(listData()),
  });
  return { code, stdout, stderr };
}

describe("npm run recheck", () => {
  it("re-checks the database at --db, prints a summary and the changed items as a table", async () => {
    const { file, ids } = databaseBefore();
    const out = await run(["--db", file]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("against the editions in force on 2027-02-01 (import-2021,export-2027)");
    expect(out.stdout).toContain("5 checked: 1 changed, 4 unchanged, 0 failed.");
    const lines = out.stdout.split("\n");
    const header = lines.find((l) => l.startsWith("item"));
    expect(header).toMatch(/^item\s+direction\s+before\s+now\s+reason\s+old\s+new$/);
    const row = lines.find((l) => l.includes(`/c/${ids.vpn12}`));
    expect(row).toMatch(/^IPSec VPN gateway, AES-256, thr…\s+export\s+licence_required 5A002\.c \(export-2024\)\s+below_threshold 5A002\.c \(export-2027\)\s+.*does not reach ≥ 20 Gbps\..*\/c\/[A-Za-z0-9_-]{22}$/);
    expect(out.stdout).not.toContain(`/c/${ids.vpn25}`);

    // The new record is in the file, linked to the old one.
    const store = openClassificationStore(file);
    const into = store.rechecks.recheckedInto(ids.vpn12);
    expect(store.get(into?.newId ?? "")?.export.edition?.id).toBe("export-2027");
    store.close();
  });

  it("takes DATABASE_PATH, and gives machine output with --json", async () => {
    const { file, ids } = databaseBefore();
    const first = await run(["--json"], { DATABASE_PATH: file });
    expect(first.code).toBe(0);
    const body = JSON.parse(first.stdout);
    expect(body).toMatchObject({ wasDue: true, counts: { checked: 5, changed: 1, unchanged: 4, failed: 0 }, editions: ["import-2021", "export-2027"] });
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ kind: "record", old: { id: ids.vpn12, url: `/c/${ids.vpn12}` } });

    const second = JSON.parse((await run(["--json", "--db", file])).stdout);
    expect(second).toMatchObject({ wasDue: false, counts: { changed: 0 }, items: [] });
  });

  it("exits 2 on a wrong option and 1 when the database cannot be opened", async () => {
    const bad = await run(["--nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Usage: npm run recheck");
    const notAFolder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "clc-recheck-")), "file");
    fs.writeFileSync(notAFolder, "");
    const unopenable = await run(["--db", path.join(notAFolder, "x.db")]);
    expect(unopenable.code).toBe(1);
    expect(unopenable.stderr).toMatch(/^Cannot re-check: Cannot open the database at /);
  });

  it("runs as a command with the bundled data", () => {
    const { file } = databaseBefore();
    const child = spawnSync(process.execPath, ["--import", "tsx", "src/cli/recheck.ts", "--json"], { encoding: "utf8", env: { ...process.env, DATABASE_PATH: file } });
    expect(child.status, child.stderr).toBe(0);
    // Today, under the bundled editions, the records made before are what they were.
    expect(JSON.parse(child.stdout)).toMatchObject({ status: "done", counts: { checked: 5, changed: 0, failed: 0 } });
  });
});
