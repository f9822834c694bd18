/**
 * HTTP load on the real server, in one run:   npm run bench:http
 *  1. the server (`node` with the arguments `npm start` uses) as a child process on a free loopback port, with a
 *     temporary database and batch folder and the API rate limit off;
 *  2. autocannon, in a second child process (this file with `--load`), POSTing /api/v1/classify with bodies
 *     cycling through the dev-set inputs and the realistic mix (CMVP names, e-commerce titles, tariff names):
 *     a short warm-up, then the measured run;
 *  3. meanwhile, a 100,000-row catalogue streamed through POST /api/v1/classify/batch, its CSV answer read
 *     to the end;
 *  4. afterwards: the records stored (the database file, read-only), the batch's rows, the server's peak RSS.
 *
 *  5. before and after the server, the same load on a bare Express 5 JSON endpoint (bareExpress.ts), the
 *     yardstick: requests/s are reported as a ratio to it.
 *
 * Everything goes to 127.0.0.1 and every loop is bounded in time. Knobs: HTTP_CONNECTIONS (32),
 * HTTP_DURATION (20 s), HTTP_WARMUP (3 s), HTTP_BATCH_ROWS (100000), HTTP_BATCH_DELAY (2 s after the
 * measured run starts), BENCH_SERVER_ARGS (node flags for the server after its own, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`),
 * BENCH_STRICT=1 to exit non-zero when a target is missed.
 * The machine is small and shared: compare figures within one run, and repeat before believing one.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { parse } from "csv-parse";
import { writeBulkFile } from "./bulkFile.ts";
import { SHARED, realisticMix } from "./realisticMix.ts";
import { SERVER_NODE_ARGS } from "../src/serverCommand.ts";

const root = path.resolve(import.meta.dirname, "..");
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

/** What the parent tells the load process. */
interface LoadPlan {
  readonly url: string;
  readonly bodiesFile: string;
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
}

/** Lines the load process prints on stdout, one JSON object each. */
type LoadMessage =
  | { kind: "phase"; phase: "warmup" | "measured"; at: number }
  | { kind: "second"; at: number; latencies: number[]; statuses: Record<string, number> }
  | { kind: "result"; phase: "warmup" | "measured"; result: autocannon.Result; cpuMs: number };

// ───────────────────────────── the load process ─────────────────────────────

async function loadProcess(planFile: string): Promise<void> {
  const plan = JSON.parse(fs.readFileSync(planFile, "utf8")) as LoadPlan;
  const bodies = JSON.parse(fs.readFileSync(plan.bodiesFile, "utf8")) as string[];
  const say = (m: LoadMessage) => process.stdout.write(`${JSON.stringify(m)}\n`);
  let next = 0;

  const run = (phase: "warmup" | "measured", seconds: number) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      say({ kind: "phase", phase, at: Date.now() });
      let latencies: number[] = [];
      let statuses: Record<string, number> = {};
      const flush = () => {
        say({ kind: "second", at: Date.now(), latencies, statuses });
        latencies = [];
        statuses = {};
      };
      const ticker = phase === "measured" ? setInterval(flush, 1000) : null;
      const instance = autocannon(
        {
          url: plan.url,
          connections: plan.connections,
          duration: seconds,
          timeout: 10,
          requests: [
            {
              method: "POST",
              path: "/api/v1/classify",
              headers: { "content-type": "application/json" },
              // A different realistic body on every request, in a fixed order.
              setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] as string }),
            },
          ],
        },
        (err, result) => {
          if (ticker) {
            clearInterval(ticker);
            flush();
          }
          if (err) reject(err);
          else resolve(result);
        },
      );
      if (phase === "measured") {
        instance.on("response", (_client, statusCode, _bytes, responseTime) => {
          latencies.push(Math.round(responseTime * 100) / 100);
          statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
        });
      }
    });

  const cpuMs = (since: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(since);
    return (u.user + u.system) / 1000;
  };
  let cpu = process.cpuUsage();
  say({ kind: "result", phase: "warmup", result: await run("warmup", plan.warmupSeconds), cpuMs: cpuMs(cpu) });
  cpu = process.cpuUsage();
  say({ kind: "result", phase: "measured", result: await run("measured", plan.durationSeconds), cpuMs: cpuMs(cpu) });
}

// ───────────────────────────── the parent ─────────────────────────────

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

/** A process and all its descendants (tsx may start the server as a child of its own). */
function processTree(pid: number): number[] {
  const out = [pid];
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const children = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      for (const child of children ? children.split(/\s+/) : []) out.push(...processTree(Number(child)));
    }
  } catch {
    // The process has exited.
  }
  return out;
}

/** Current and peak resident memory of a process tree, summed, from /proc (VmHWM is the kernel's own high-water mark). */
function memoryOf(pid: number): { rssKb: number; hwmKb: number } {
  let rssKb = 0;
  let hwmKb = 0;
  for (const p of processTree(pid)) {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, "utf8");
      rssKb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      hwmKb += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // The process has exited.
    }
  }
  return { rssKb, hwmKb };
}

/** CPU time (user + system) of a process or one of its threads, in ms, from /proc (clock ticks of 10 ms). */
function cpuMsOf(pid: number, tid?: number): number {
  try {
    const stat = fs.readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Time a thread spent ready to run but waiting for a core, in ms, from /proc (schedstat: ns on CPU, ns waiting, slices). */
function runQueueMsOf(pid: number, tid: number): number {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[1]) / 1e6;
  } catch {
    return NaN;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Realistic request bodies: every dev-set input (with its HS code and as-of date), then the realistic mix. */
function requestBodies(): string[] {
  const dev = fs
    .readFileSync(path.join(SHARED, "eval/dev.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { input: Record<string, string> }).input);
  const mix = realisticMix().items.map((i) => (i.hsCode ? { description: i.description, hsCode: i.hsCode } : { description: i.description }));
  return [...dev, ...mix]
    .filter((b) => (b.description ?? "").length <= 5000 && ((b.description ?? "").trim() !== "" || (b.hsCode ?? "").trim() !== ""))
    .map((b) => JSON.stringify(b));
}

/** Streams the catalogue through the batch API and reads the classified CSV to its end. */
async function runBatch(baseUrl: string, file: string) {
  const started = Date.now();
  const res = await fetch(`${baseUrl}/api/v1/classify/batch`, {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit);
  const batchId = res.headers.get("x-batch-id");
  if (res.status !== 200 || !res.body) throw new Error(`batch upload answered ${res.status}: ${await res.text()}`);
  let rows = 0;
  let errorRows = 0;
  let bytes = 0;
  let errorColumn = -1;
  await pipeline(
    Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        bytes += chunk.length;
        yield chunk;
      }
    },
    parse({ bom: true, relax_column_count: true }),
    async (records: AsyncIterable<string[]>) => {
      for await (const r of records) {
        if (errorColumn < 0) {
          errorColumn = r.indexOf("error");
          continue;
        }
        rows++;
        if (errorColumn >= 0 && (r[errorColumn] ?? "") !== "") errorRows++;
      }
    },
  );
  return { batchId, status: res.status, rows, errorRows, bytes, started, finished: Date.now() };
}

/** Starts the load process on a plan and hands each line it prints to `onMessage`, parsed. */
function startLoader(planFile: string, children: ChildProcess[], onMessage: (m: LoadMessage) => void): ChildProcess {
  const loader = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "http.bench.ts"), "--load", planFile], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(loader);
  let buffered = "";
  loader.stdout?.on("data", (d: Buffer) => {
    buffered += String(d);
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      onMessage(JSON.parse(line) as LoadMessage);
    }
  });
  return loader;
}

/**
 * The yardstick: the same load, for the same time, on a bare Express 5 JSON endpoint (bareExpress.ts)
 * in a process of its own. Taken in turn with the real server, so the ratio holds on a noisy machine.
 */
async function measureBare(dir: string, plan: Omit<LoadPlan, "url">, children: ChildProcess[]): Promise<{ rps: number; p99: number }> {
  const port = await freePort();
  const bare = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "bareExpress.ts"), String(port)], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  children.push(bare);
  try {
    await new Promise<void>((resolve, reject) => {
      bare.stdout.on("data", (d) => String(d).includes("listening") && resolve());
      bare.on("exit", (code) => reject(new Error(`the bare endpoint exited (${code})`)));
    });
    const planFile = path.join(dir, `bare-plan-${port}.json`);
    fs.writeFileSync(planFile, JSON.stringify({ ...plan, url: `http://127.0.0.1:${port}` } satisfies LoadPlan));
    let measured: autocannon.Result | null = null;
    const loader = startLoader(planFile, children, (m) => {
      if (m.kind === "result" && m.phase === "measured") measured = m.result;
    });
    const code = await new Promise<number | null>((resolve) => loader.on("exit", resolve));
    const result = measured as autocannon.Result | null;
    if (code !== 0 || !result) throw new Error(`the load on the bare endpoint failed (exit ${code})`);
    return { rps: result.requests.average, p99: result.latency.p99 };
  } finally {
    bare.kill("SIGKILL");
  }
}

async function main(): Promise<number> {
  const connections = num("HTTP_CONNECTIONS", 32);
  const durationSeconds = num("HTTP_DURATION", 20);
  const warmupSeconds = num("HTTP_WARMUP", 3);
  const batchRows = num("HTTP_BATCH_ROWS", 100_000);
  const batchDelayMs = num("HTTP_BATCH_DELAY", 2) * 1000;
  const strict = process.env.BENCH_STRICT === "1";

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clc-http-bench-"));
  const children: ChildProcess[] = [];
  // Whatever happens, nothing outlives the run: a hard stop well past the planned length.
  const hardStopMs = 3 * (warmupSeconds + durationSeconds) * 1000 + 180_000;
  const watchdog = setTimeout(() => {
    console.error(`bench:http still running after ${Math.round(hardStopMs / 1000)} s: stopping everything.`);
    for (const c of children) c.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(2);
  }, hardStopMs);

  try {
    const [load1, load5] = os.loadavg();
    console.log(`machine: ${os.availableParallelism()} cores, load average ${load1?.toFixed(2)} (1 min) ${load5?.toFixed(2)} (5 min)`);
    const bodies = requestBodies();
    const bodiesFile = path.join(dir, "bodies.json");
    fs.writeFileSync(bodiesFile, JSON.stringify(bodies));
    const catalogue = path.join(dir, "catalogue.csv");
    writeBulkFile(catalogue, batchRows);
    console.log(`${bodies.length.toLocaleString("en-US")} distinct request bodies; batch file ${batchRows.toLocaleString("en-US")} rows, ${(fs.statSync(catalogue).size / 1048576).toFixed(1)} MB`);

    // 0. The yardstick, before the server (and again after it, below).
    const barePlan = { bodiesFile, connections, warmupSeconds, durationSeconds };
    const bareBefore = await measureBare(dir, barePlan, children);
    console.log(`bare Express 5 JSON endpoint (before): ${Math.round(bareBefore.rps).toLocaleString("en-US")} requests/s, p99 ${bareBefore.p99} ms`);

    // 1. The server.
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const databasePath = path.join(dir, "db", "classifier.db");
    const server = spawn(process.execPath, [...SERVER_NODE_ARGS.slice(0, -1), ...(process.env.BENCH_SERVER_ARGS ?? "").split(" ").filter(Boolean), ...SERVER_NODE_ARGS.slice(-1)], {
      cwd: root,
      env: {
        ...process.env,
        HOST: "127.0.0.1",
        PORT: String(port),
        DATABASE_PATH: databasePath,
        BATCH_DIR: path.join(dir, "batches"),
        RATE_LIMIT_PER_MINUTE: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(server);
    let serverOut = "";
    let serverLines = 0;
    let serverErr = "";
    server.stderr.on("data", (d) => (serverErr = (serverErr + d).slice(-4000)));
    const serverExit = new Promise<number | null>((resolve) => server.on("exit", (code) => resolve(code)));
    // The log (one line per request at the default level) is drained and counted, not kept.
    server.stdout.on("data", (d: Buffer) => {
      const text = String(d);
      serverLines += text.split("\n").length - 1;
      if (serverOut.length < 8000) serverOut += text;
    });
    let exited = false;
    void serverExit.then(() => (exited = true));
    // Ready when /healthz answers (not when the log says so: LOG_LEVEL=warn hides that line).
    for (let waited = 0; ; waited += 100) {
      if (exited) throw new Error(`server exited before listening:\n${serverOut}\n${serverErr}`);
      if (waited > 30_000) throw new Error(`server not answering after 30 s:\n${serverOut}\n${serverErr}`);
      const ok = await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const pid = server.pid as number;
    const idle = memoryOf(pid);
    let peakRssKb = idle.rssKb;
    const sampler = setInterval(() => (peakRssKb = Math.max(peakRssKb, memoryOf(pid).rssKb)), 100);

    // 2. The load, from a second process.
    const planFile = path.join(dir, "plan.json");
    fs.writeFileSync(planFile, JSON.stringify({ url: baseUrl, bodiesFile, connections, warmupSeconds, durationSeconds } satisfies LoadPlan));
    const seconds: { at: number; latencies: number[]; statuses: Record<string, number> }[] = [];
    const results: Partial<Record<"warmup" | "measured", autocannon.Result>> = {};
    let loaderCpuMs = NaN;
    // The server's CPU over the measured run: the whole process, and its main thread (the event loop).
    const cpu = { start: { proc: 0, main: 0, mainWaited: 0, at: 0 }, end: { proc: 0, main: 0, mainWaited: 0, at: 0 } };
    // The whole server (every process of it), and the first process's main thread.
    /** CPU ms of each of the server's threads, by "name (tid)". */
    const threadsNow = () => {
      const out = new Map<string, number>();
      for (const p of processTree(pid)) {
        try {
          for (const tid of fs.readdirSync(`/proc/${p}/task`)) {
            const name = fs.readFileSync(`/proc/${p}/task/${tid}/comm`, "utf8").trim();
            out.set(`${name} (${tid})`, cpuMsOf(p, Number(tid)));
          }
        } catch {
          // The process has exited.
        }
      }
      return out;
    };
    let threadsAtStart = new Map<string, number>();
    let threadsAtEnd = new Map<string, number>();
    const cpuNow = () => ({
      proc: processTree(pid).reduce((sum, p) => sum + (cpuMsOf(p) || 0), 0),
      main: cpuMsOf(pid, pid),
      mainWaited: runQueueMsOf(pid, pid),
      at: Date.now(),
    });
    let measuredStart = 0;
    let batch: Promise<Awaited<ReturnType<typeof runBatch>>> | null = null;
    let batchError: unknown = null;
    const loader = startLoader(planFile, children, (m) => {
      if (m.kind === "second") seconds.push(m);
      else if (m.kind === "result") {
        results[m.phase] = m.result;
        if (m.phase === "measured") {
          cpu.end = cpuNow();
          threadsAtEnd = threadsNow();
          loaderCpuMs = m.cpuMs;
        }
      } else if (m.phase === "measured") {
        measuredStart = m.at;
        cpu.start = cpuNow();
        threadsAtStart = threadsNow();
        // 3. The bulk batch, a little after the measured run starts, so the run has seconds with and without it.
        batch = new Promise((r) => setTimeout(r, batchDelayMs)).then(() => runBatch(baseUrl, catalogue));
        batch.catch((err: unknown) => (batchError = err));
      }
    });
    const loaderCode = await new Promise<number | null>((resolve) => loader.on("exit", (code) => resolve(code)));
    if (loaderCode !== 0 || !results.measured || !results.warmup) throw new Error(`the load process failed (exit ${loaderCode})`);
    const b = batch ? await (batch as Promise<Awaited<ReturnType<typeof runBatch>>>).catch(() => null) : null;

    // 4. What the server kept, and its memory, before it stops.
    clearInterval(sampler);
    const mem = memoryOf(pid);
    peakRssKb = Math.max(peakRssKb, mem.rssKb, mem.hwmKb);
    const db = new Database(databasePath, { readonly: true, fileMustExist: true });
    const stored = (db.prepare("SELECT COUNT(*) AS n FROM classifications").get() as { n: number }).n;
    const batchRow = b?.batchId
      ? (db.prepare("SELECT status, rows_done AS rowsDone FROM batches WHERE id = ?").get(b.batchId) as { status: string; rowsDone: number } | undefined)
      : undefined;
    const batchStoredRows = b?.batchId ? (db.prepare("SELECT COUNT(*) AS n FROM batch_rows WHERE batch_id = ?").get(b.batchId) as { n: number }).n : 0;
    db.close();
    server.kill("SIGTERM");
    const exitCode = await serverExit;
    const bareAfter = await measureBare(dir, barePlan, children);
    const bareRps = (bareBefore.rps + bareAfter.rps) / 2;
    const ratio = results.measured ? results.measured.requests.average / bareRps : NaN;

    // ── Report ──
    const w = results.warmup;
    const m = results.measured;
    const ok2xx = w["2xx"] + m["2xx"];
    const failures = m.errors + m.timeouts + m.non2xx + w.errors + w.timeouts + w.non2xx;
    // A sample covers the second before its time stamp: wholly inside the batch's run, or wholly outside it.
    const inBatch = (at: number) => b !== null && at - 1000 >= b.started && at <= b.finished;
    const clearOfBatch = (at: number) => b === null || at <= b.started || at - 1000 >= b.finished;
    const window = (pick: (s: (typeof seconds)[number]) => boolean) => {
      const chosen = seconds.filter(pick).filter((s) => s.latencies.length > 0);
      const lat = chosen.flatMap((s) => s.latencies).sort((x, y) => x - y);
      return { seconds: chosen.length, rps: chosen.length ? lat.length / chosen.length : NaN, p50: percentile(lat, 50), p99: percentile(lat, 99) };
    };
    const during = window((s) => inBatch(s.at));
    const outside = window((s) => clearOfBatch(s.at) && s.at > measuredStart + 1000 && s.at <= measuredStart + durationSeconds * 1000);
    const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "–");
    const mark = (good: boolean) => (good ? "met" : "MISSED");

    console.log(`\nPOST /api/v1/classify — ${connections} connections, ${warmupSeconds} s warm-up + ${durationSeconds} s measured (autocannon in its own process)`);
    console.log(table([
      ["requests/s (mean)", f(m.requests.average, 0), "", ""],
      ["bare Express 5 JSON endpoint, before / after", `${f(bareBefore.rps, 0)} / ${f(bareAfter.rps, 0)} requests/s (p99 ${f(bareBefore.p99)} / ${f(bareAfter.p99)} ms)`, "", ""],
      ["ratio to the bare endpoint (mean of before and after)", f(ratio, 2), "≥ 0.50", mark(ratio >= 0.5 && stored >= ok2xx)],
      ["requests (measured / total 2xx)", `${m.requests.total.toLocaleString("en-US")} / ${ok2xx.toLocaleString("en-US")}`, "", ""],
      ["latency p50", `${f(m.latency.p50)} ms`, "", ""],
      ["latency p97.5", `${f(m.latency.p97_5)} ms`, "", ""],
      ["latency p99", `${f(m.latency.p99)} ms`, "≤ 20 ms", mark(m.latency.p99 <= 20)],
      ["latency max", `${f(m.latency.max)} ms`, "", ""],
      ["errors / timeouts / non-2xx", `${m.errors + w.errors} / ${m.timeouts + w.timeouts} / ${m.non2xx + w.non2xx}`, "0", mark(failures === 0)],
      ["records stored (database)", stored.toLocaleString("en-US"), `≥ ${ok2xx.toLocaleString("en-US")} (2xx)`, mark(stored >= ok2xx && stored <= ok2xx + 2 * connections)],
      ["seconds while the batch ran: req/s, p50, p99", `${during.seconds} s: ${f(during.rps, 0)}/s, ${f(during.p50)} ms, ${f(during.p99)} ms`, "", ""],
      ["seconds without the batch: req/s, p50, p99", `${outside.seconds} s: ${f(outside.rps, 0)}/s, ${f(outside.p50)} ms, ${f(outside.p99)} ms`, "", ""],
    ]));
    const batchDone = b !== null && b.rows === batchRows && batchRow?.status === "done" && batchStoredRows === batchRows;
    console.log(`\nPOST /api/v1/classify/batch — ${batchRows.toLocaleString("en-US")} rows streamed in, CSV streamed out, during the load`);
    console.log(table([
      ["completed", b ? `HTTP ${b.status}, batch ${batchRow?.status ?? "?"}` : `no: ${String(batchError)}`, "done", mark(batchDone)],
      ["rows in the answer / stored", b ? `${b.rows.toLocaleString("en-US")} / ${batchStoredRows.toLocaleString("en-US")}` : "–", batchRows.toLocaleString("en-US"), ""],
      ["error rows", b ? String(b.errorRows) : "–", "", ""],
      ["duration", b ? `${f((b.finished - b.started) / 1000)} s (${f(b.rows / ((b.finished - b.started) / 1000), 0)} rows/s)` : "–", "", ""],
      ["answer size", b ? `${f(b.bytes / 1048576)} MB` : "–", "", ""],
    ]));
    const wall = cpu.end.at - cpu.start.at;
    const pct = (ms: number) => `${Math.round((100 * ms) / wall)}%`;
    console.log(
      `\nCPU over the measured run (${(wall / 1000).toFixed(1)} s, ${os.availableParallelism()} cores = 200%): server ${pct(cpu.end.proc - cpu.start.proc)} ` +
        `(main thread ${pct(cpu.end.main - cpu.start.main)} running, ${pct(cpu.end.mainWaited - cpu.start.mainWaited)} ready but waiting for a core; ` +
        `other threads ${pct(cpu.end.proc - cpu.start.proc - (cpu.end.main - cpu.start.main))}), ` +
        `load generator ${pct(loaderCpuMs)}`,
    );
    const busiest = [...threadsAtEnd]
      .map(([name, ms]) => [name, ms - (threadsAtStart.get(name) ?? 0)] as const)
      .filter(([, ms]) => ms / wall >= 0.01)
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => `${name} ${pct(ms)}`);
    console.log(`server threads over 1%: ${busiest.join(", ")}`);
    console.log(`server: RSS ${Math.round(idle.rssKb / 1024)} MB idle, peak ${Math.round(peakRssKb / 1024)} MB (VmHWM ${Math.round(mem.hwmKb / 1024)} MB); ` +
      `${serverLines.toLocaleString("en-US")} log lines; exit ${exitCode} after SIGTERM`);

    const functional = failures === 0 && stored >= ok2xx && batchDone && exitCode === 0;
    const targets = ratio >= 0.5 && m.latency.p99 <= 20;
    if (!functional) console.log("\nFAILED: see the rows marked MISSED above.");
    else if (!targets) console.log(`\nAll requests answered and stored; a speed target was missed${strict ? "" : " (BENCH_STRICT=1 makes that fail)"}.`);
    return !functional || (strict && !targets) ? 1 : 0;
  } finally {
    clearTimeout(watchdog);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function table(rows: string[][]): string {
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => `  ${r.map((c, i) => c.padEnd(widths[i] as number)).join("  ").trimEnd()}`;
  return [line(["", "measured", "target", ""]), ...rows.map(line)].join("\n");
}

if (process.argv[2] === "--load") {
  loadProcess(process.argv[3] as string).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
