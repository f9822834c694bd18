import { type ChildProcessByStdio, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { SERVER_NODE_ARGS } from "../../src/serverCommand.ts";

/** The repository root: the server is started from here, as `npm start` does. */
export const ROOT = path.resolve(import.meta.dirname, "../..");

export interface ServerProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly pid: number;
  readonly port: number;
  readonly baseUrl: string;
  /** Everything the process printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once the process has exited, with its code (null when killed by a signal) and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when stdout contains `text`; rejects on exit or after `timeoutMs`. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  /** Sends SIGKILL if still running and waits for the exit; safe to call twice. */
  kill(): Promise<void>;
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `clc-faults-${prefix}-`));
}

/**
 * Spawns the real server (`node` with the arguments `npm start` uses) on 127.0.0.1 with the given
 * environment on top of a clean one (the developer's own PORT, DATABASE_PATH… do not leak in).
 * Does not wait for it to listen: see `startServer`.
 */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = env.PORT !== undefined && /^\d+$/.test(env.PORT) ? Number(env.PORT) : await freePort();
  const base: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG", "NODE_OPTIONS"]) if (process.env[key] !== undefined) base[key] = process.env[key] as string;
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS], {
    cwd: ROOT,
    // One worker thread keeps the 2-core machine usable by the test process and its neighbours.
    env: { ...base, HOST: "127.0.0.1", PORT: String(port), RATE_LIMIT_PER_MINUTE: "0", UPLOADS_PER_MINUTE: "0", THREADS: "2", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
    for (const w of [...waiters]) {
      if (out.includes(w.text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  return {
    child,
    pid: child.pid as number,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput(text, timeoutMs = 20_000) {
      if (out.includes(text)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${text}" on stdout after ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
        waiters.push({
          text,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`server exited (${code ?? signal}) before "${text}"; stdout:\n${out}\nstderr:\n${err}`));
        });
      });
    },
    async kill() {
      if (!done) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Spawns the server and waits until /healthz answers (not for a log line: LOG_LEVEL may hide it). */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const server = await spawnServer(env);
  let exited = false;
  void server.exited.then(() => (exited = true));
  try {
    await poll(
      "the server to answer /healthz",
      async () => {
        if (exited) throw new Error(`server exited before listening; stdout:\n${server.stdout()}\nstderr:\n${server.stderr()}`);
        return (await fetch(`${server.baseUrl}/healthz`).then((r) => r.ok, () => false)) ? true : undefined;
      },
      30_000,
    );
  } catch (err) {
    await server.kill();
    throw err;
  }
  return server;
}

/** Whether a TCP connection to 127.0.0.1:port is accepted (false on ECONNREFUSED). */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.setTimeout(2000);
    socket.on("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
    socket.on("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Polls `check` every `everyMs` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function poll<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export { writeCatalogue } from "../support/catalogue.ts";

/**
 * The browser path of an upload: the form page gives the cookies and the CSRF token (in the form's
 * action), then a multipart POST. Answers the response unread, redirect not followed.
 */
export async function postUploadForm(base: string, file: Blob, name = "catalogue.csv", asOf = "2026-11-29"): Promise<Response> {
  const page = await fetch(`${base}/bulk`);
  const html = await page.text();
  const action = /<form[^>]+action="(\/bulk\?_csrf=[^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error("the /bulk form carries no CSRF token in its action");
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const form = new FormData();
  form.append("asOf", asOf);
  form.append("file", file, name);
  return fetch(`${base}${action.replaceAll("&amp;", "&")}`, { method: "POST", body: form, headers: { cookie }, redirect: "manual" });
}

/** A size-limited file system (tmpfs) mounted on a new folder, or null where this machine does not allow it. */
export function mountSmallDisk(prefix: string, megabytes: number): { dir: string; unmount(): void } | null {
  const dir = tempDir(prefix);
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${megabytes}m`, "tmpfs", dir], { stdio: "ignore" });
  if (mounted.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    unmount() {
      spawnSync("umount", ["-l", dir], { stdio: "ignore" });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fills a file system until `leaveBytes` are free; the filler file is returned so a test can free the space again. */
export function fillDisk(dir: string, leaveBytes: number): string {
  const filler = path.join(dir, "filler.bin");
  const { bavail, bsize } = fs.statfsSync(dir);
  const size = Math.max(0, bavail * bsize - leaveBytes);
  const fd = fs.openSync(filler, "w");
  const block = Buffer.alloc(1024 * 1024, 1);
  let written = 0;
  try {
    while (written < size) written += fs.writeSync(fd, block, 0, Math.min(block.length, size - written));
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}
