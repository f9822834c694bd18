import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, accepts, freePort, spawnServer, tempDir } from "./serverProcess.ts";

const dir = tempDir("startup");
afterAll(() => {
  fs.chmodSync(dir, 0o755);
  for (const d of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, d), 0o755);
  fs.rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
/** A fresh folder for one start: its database and batches stay inside it. */
function sandbox() {
  const d = path.join(dir, `s${++seq}`);
  fs.mkdirSync(d);
  return { databasePath: path.join(d, "classifier.db"), batchDir: path.join(d, "batches"), root: d };
}

/**
 * Starts the server with a fault and expects it to stop by itself: a non-zero exit, a short
 * message on stderr (no stack trace), and nothing listening on the port it was given.
 */
async function failedStart(env: Record<string, string>) {
  const port = env.PORT ?? String(await freePort());
  const server = await spawnServer({ PORT: port, ...env });
  const exit = await Promise.race([server.exited, new Promise<null>((r) => setTimeout(() => r(null), 20_000))]);
  if (exit === null) await server.kill();
  const stderr = server.stderr().trim();
  const lines = stderr.split("\n").filter(Boolean);
  return { exit, stderr, lines, stdout: server.stdout(), port: Number(port) };
}

function expectCleanFailure(r: Awaited<ReturnType<typeof failedStart>>, maxLines: number) {
  expect(r.exit, `the server should stop by itself; stdout:\n${r.stdout}`).not.toBeNull();
  expect(r.exit?.code).not.toBe(0);
  expect(r.exit?.code).not.toBeNull();
  expect(r.stderr, `a message on stderr; stdout was:\n${r.stdout}`).not.toBe("");
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.lines.length).toBeLessThanOrEqual(maxLines);
  expect(r.stdout).not.toContain("listening on");
}

/** Whether this process can write into `folder` despite its mode (root ignores permission bits). */
function canWriteInto(folder: string): boolean {
  const probe = path.join(folder, ".probe");
  try {
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
    return true;
  } catch {
    return false;
  }
}

describe("start-up failures stop the server with a clear message", () => {
  it("DATABASE_PATH in a folder that cannot be written", async () => {
    const s = sandbox();
    const readOnly = path.join(s.root, "read-only");
    fs.mkdirSync(readOnly);
    fs.chmodSync(readOnly, 0o555);
    let databasePath = path.join(readOnly, "classifier.db");
    if (canWriteInto(readOnly)) {
      // Running as root, where mode 555 does not stop writes (CAP_DAC_OVERRIDE): put the database
      // under a path whose "folder" is a regular file instead, which nobody can create files in.
      const notAFolder = path.join(s.root, "not-a-folder");
      fs.writeFileSync(notAFolder, "a file, not a folder\n");
      databasePath = path.join(notAFolder, "classifier.db");
    }
    const r = await failedStart({ DATABASE_PATH: databasePath, BATCH_DIR: s.batchDir });
    expectCleanFailure(r, 3);
    expect(r.stderr).toContain(databasePath);
    expect(r.stderr).toContain("DATABASE_PATH");
    expect(await accepts(r.port)).toBe(false);
  });

  it("DATABASE_PATH naming a folder, not a file", async () => {
    const s = sandbox();
    const databasePath = path.join(s.root, "a-folder.db");
    fs.mkdirSync(databasePath);
    const r = await failedStart({ DATABASE_PATH: databasePath, BATCH_DIR: s.batchDir });
    expectCleanFailure(r, 3);
    expect(r.stderr).toContain(databasePath);
    expect(r.stderr).toContain("DATABASE_PATH");
    expect(await accepts(r.port)).toBe(false);
  });

  it("a list edition that is not valid JSON: the message names the file, and nothing is created", async () => {
    const s = sandbox();
    const dataDir = path.join(s.root, "data");
    fs.cpSync(path.join(ROOT, "data"), dataDir, { recursive: true });
    const file = path.join(dataDir, "lists", "export-2024.json");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").slice(0, 500));
    const r = await failedStart({ DATA_DIR: dataDir, DATABASE_PATH: s.databasePath, BATCH_DIR: s.batchDir });
    // Every problem is listed, one a line (the other editions' links to this one come out as well).
    expectCleanFailure(r, 20);
    expect(r.stderr).toMatch(/lists\/export-2024\.json: not valid JSON/);
    // Never half-loaded: the database was not even opened.
    expect(fs.existsSync(s.databasePath)).toBe(false);
    expect(await accepts(r.port)).toBe(false);
  });

  it("a list edition with a required field removed: the message names the file and the field path", async () => {
    const s = sandbox();
    const dataDir = path.join(s.root, "data");
    fs.cpSync(path.join(ROOT, "data"), dataDir, { recursive: true });
    const file = path.join(dataDir, "lists", "import-2021.json");
    const edition = JSON.parse(fs.readFileSync(file, "utf8")) as { entries: Record<string, unknown>[] };
    delete edition.entries[1]?.nameEn;
    fs.writeFileSync(file, JSON.stringify(edition, null, 2));
    const r = await failedStart({ DATA_DIR: dataDir, DATABASE_PATH: s.databasePath, BATCH_DIR: s.batchDir });
    expectCleanFailure(r, 20);
    expect(r.stderr).toMatch(/lists\/import-2021\.json: entries\.1\.nameEn: /);
    expect(fs.existsSync(s.databasePath)).toBe(false);
    expect(await accepts(r.port)).toBe(false);
  });

  it("two broken editions at once: every problem is listed", async () => {
    const s = sandbox();
    const dataDir = path.join(s.root, "data");
    fs.cpSync(path.join(ROOT, "data"), dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, "lists", "export-2021.json"), "{ not json");
    const file = path.join(dataDir, "lists", "import-2021.json");
    const edition = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    delete edition.effectiveFrom;
    fs.writeFileSync(file, JSON.stringify(edition));
    const r = await failedStart({ DATA_DIR: dataDir, DATABASE_PATH: s.databasePath, BATCH_DIR: s.batchDir });
    expectCleanFailure(r, 20);
    expect(r.stderr).toMatch(/lists\/export-2021\.json: not valid JSON/);
    expect(r.stderr).toMatch(/lists\/import-2021\.json: effectiveFrom: /);
  });

  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["THREADS", "many"],
    ["MAX_UPLOAD_MB", "0"],
  ])("an invalid setting %s=%s: the message names the variable", async (name, value) => {
    const s = sandbox();
    const r = await failedStart({ DATABASE_PATH: s.databasePath, BATCH_DIR: s.batchDir, [name]: value });
    expectCleanFailure(r, 3);
    expect(r.stderr).toMatch(new RegExp(`\\b${name}\\b`));
    expect(fs.existsSync(s.databasePath)).toBe(false);
    if (name !== "PORT") expect(await accepts(r.port)).toBe(false);
  });

  it("a port already taken: the message names the address and the reason", async () => {
    const s = sandbox();
    const { port, release } = await holdPort();
    try {
      const r = await failedStart({ PORT: String(port), DATABASE_PATH: s.databasePath, BATCH_DIR: s.batchDir });
      expect(r.exit?.code).toBe(1);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.lines.length).toBeLessThanOrEqual(3);
      expect(r.stderr).toContain(`127.0.0.1:${port}`);
      expect(r.stderr).toContain("EADDRINUSE");
    } finally {
      await release();
    }
  });

  // Guards against a past bug: Express 5's app.listen calls its callback with the error too, and src/server.ts logs
  // "listening on …" from that callback without looking at the error.
  it("a port already taken: the log does not claim the server is listening", async () => {
    const s = sandbox();
    const { port, release } = await holdPort();
    try {
      const r = await failedStart({ PORT: String(port), DATABASE_PATH: s.databasePath, BATCH_DIR: s.batchDir });
      expect(r.exit?.code).toBe(1);
      expect(r.stdout).not.toContain("listening on");
    } finally {
      await release();
    }
  });

  /** A "folder" under a regular file: mkdir fails with ENOTDIR, for root too. */
  function uncreatableBatchDir(root: string): string {
    const notAFolder = path.join(root, "not-a-folder");
    fs.writeFileSync(notAFolder, "a file, not a folder\n");
    return path.join(notAFolder, "batches");
  }

  it("BATCH_DIR that cannot be created stops the start, naming the folder", async () => {
    const s = sandbox();
    const batchDir = uncreatableBatchDir(s.root);
    const r = await failedStart({ DATABASE_PATH: s.databasePath, BATCH_DIR: batchDir });
    expect(r.exit?.code).not.toBe(0);
    expect(r.exit?.code).not.toBeNull();
    expect(r.stderr).toContain(batchDir);
    expect(r.stdout).not.toContain("listening on");
    expect(await accepts(r.port)).toBe(false);
  });

  // Guards against a past bug: createBatchJobs' mkdirSync throws outside the start-up try/catch in src/server.ts, so this is an
  // uncaught exception (a stack trace, no mention of BATCH_DIR) instead of a one-line message.
  it("BATCH_DIR that cannot be created: a short message naming the variable, no stack trace", async () => {
    const s = sandbox();
    const r = await failedStart({ DATABASE_PATH: s.databasePath, BATCH_DIR: uncreatableBatchDir(s.root) });
    expectCleanFailure(r, 3);
    expect(r.stderr).toContain("BATCH_DIR");
  });
});

async function holdPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  const port = (taken.address() as net.AddressInfo).port;
  return { port, release: () => new Promise<void>((resolve) => taken.close(() => resolve())) };
}
