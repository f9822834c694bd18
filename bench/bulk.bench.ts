/**
 * Bulk throughput and memory on files shaped like real catalogues, in one run:   npm run bench:bulk
 * (BULK_SIZES=100000,300000 for a quicker run)
 *  1. for each size (100k, 300k, 1M rows): a CSV from real product names (≈15% crypto products), 80%
 *     of rows with a model or part number of their own, so almost no row repeats and a cache answers
 *     little (the share of rows that repeat an earlier one exactly is printed: the most any cache can
 *     answer);
 *  2. the bare pass-through (csv-parse → csv-stringify, no classification) and the full CLI
 *     classification of that file, taken in turn, each a child process with its peak RSS;
 *  3. the largest file uploaded through the browser path (/bulk) to a running server, with the
 *     server's RSS before and at peak.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { writeBulkFile } from "./bulkFile.ts";
import { SERVER_NODE_ARGS } from "../src/serverCommand.ts";
import { CLASSIFY_NODE_ARGS } from "../src/cli/command.ts";

const SIZES = (process.env.BULK_SIZES ?? "100000,300000,1000000").split(",").map(Number);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clc-bulk-bench-"));
const root = path.resolve(import.meta.dirname, "..");
const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

/** Peak resident memory of a process, sampled from /proc every 50 ms. */
function watchRss(pid: number): { stop: () => { peakKb: number; lastKb: number } } {
  let peakKb = 0;
  let lastKb = 0;
  const timer = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      lastKb = rss;
      peakKb = Math.max(peakKb, rss, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // The process has exited.
    }
  }, 50);
  return { stop: () => (clearInterval(timer), { peakKb, lastKb }) };
}

/** `node` with these arguments, from the repository root. */
function run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ ms: number; peakKb: number; stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env } });
    const rss = watchRss(child.pid as number);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
    child.on("exit", (code) => resolve({ ms: Date.now() - started, peakKb: rss.stop().peakKb, stdout, stderr, code: code ?? 1 }));
  });
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

async function main() {
  const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000)).toLocaleString("en-US");
  let input = "";
  let ROWS = 0;
  for (const rows of SIZES) {
    ROWS = rows;
    input = path.join(dir, `catalogue-${rows}.csv`);
    const { cryptoRows, repeatedRows } = writeBulkFile(input, rows);
    const size = fs.statSync(input).size;
    console.log(
      `\n${rows.toLocaleString("en-US")} rows, ${(size / 1048576).toFixed(1)} MB: ${((100 * cryptoRows) / rows).toFixed(1)}% crypto rows, ` +
        `${((100 * repeatedRows) / rows).toFixed(1)}% repeat an earlier row (the most a cache can answer)`,
    );
    // BULK_CLI=0 only writes the file, for a run of the browser path alone.
    if (process.env.BULK_CLI === "0") continue;
    const bare = await run(["--import", "tsx", "bench/passThrough.ts", input, path.join(dir, "pass.csv")]);
    const bareRate = rows / (bare.ms / 1000);
    console.log(`  bare pass-through (csv-parse → csv-stringify): ${(bare.ms / 1000).toFixed(1)} s, ${rate(rows, bare.ms)} rows/s, peak RSS ${mb(bare.peakKb)}`);
    // Started as `npm run classify` starts it (package.json).
    const cli = await run([...CLASSIFY_NODE_ARGS, input, "-o", path.join(dir, "classified.csv")]);
    if (cli.code !== 0) throw new Error(`CLI failed: ${cli.stderr}`);
    console.log(
      `  full CLI classification:                      ${(cli.ms / 1000).toFixed(1)} s, ${rate(rows, cli.ms)} rows/s, peak RSS ${mb(cli.peakKb)} ` +
        `(${((100 * (rows / (cli.ms / 1000))) / bareRate).toFixed(0)}% of the pass-through)`,
    );
  }

  // The .xlsx path at the largest size: the same rows as a workbook, classified by the CLI into a workbook.
  if (process.env.BULK_XLSX !== "0") {
    const book = path.join(dir, `catalogue-${ROWS}.xlsx`);
    const written = await run(["--import", "tsx", "bench/csvToXlsx.ts", input, book]);
    if (written.code !== 0) throw new Error(`could not write the workbook: ${written.stderr}`);
    const xlsx = await run([...CLASSIFY_NODE_ARGS, book, "-o", path.join(dir, "classified.xlsx")]);
    if (xlsx.code !== 0) throw new Error(`CLI failed on the workbook: ${xlsx.stderr}`);
    console.log(
      `\n.xlsx path, ${ROWS.toLocaleString("en-US")} rows (${(fs.statSync(book).size / 1048576).toFixed(1)} MB workbook → workbook): ` +
        `${(xlsx.ms / 1000).toFixed(1)} s, ${rate(ROWS, xlsx.ms)} rows/s, peak RSS ${mb(xlsx.peakKb)}`,
    );
  }

  // The browser upload path: a real server, the file sent as multipart from disk.
  const port = await freePort();
  const server = spawn(process.execPath, [...SERVER_NODE_ARGS], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DATABASE_PATH: path.join(dir, "server.db"), BATCH_DIR: path.join(dir, "batches"), MAX_UPLOAD_MB: "2000" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve) => server.stdout.on("data", (d) => String(d).includes("listening") && resolve()));
  const rss = watchRss(server.pid as number);
  await new Promise((r) => setTimeout(r, 300));
  const before = rss.stop().lastKb;
  const during = watchRss(server.pid as number);
  const started = Date.now();
  // As a browser does: load the form (its CSRF token and cookies), then post the file.
  const formPage = await fetch(`http://127.0.0.1:${port}/bulk`);
  const cookies = formPage.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const action = /action="(\/bulk\?_csrf=[^"]+)"/.exec(await formPage.text())?.[1]?.replace(/&amp;/g, "&");
  if (!action) throw new Error("no upload form");
  const form = new FormData();
  form.append("asOf", "2026-11-29");
  form.append("file", await fs.openAsBlob(input), "catalogue.csv");
  const upload = await fetch(`http://127.0.0.1:${port}${action}`, { method: "POST", body: form, redirect: "manual", headers: { cookie: cookies } });
  const location = upload.headers.get("location");
  if (upload.status !== 303 || !location) throw new Error(`upload failed: ${upload.status}`);
  const uploadedMs = Date.now() - started;
  let status = "";
  while (status !== "done" && status !== "failed") {
    await new Promise((r) => setTimeout(r, 500));
    status = ((await (await fetch(`http://127.0.0.1:${port}${location}/progress.json`)).json()) as { status: string }).status;
  }
  const doneMs = Date.now() - started;
  const peak = during.stop();
  server.kill("SIGTERM");
  await new Promise((r) => server.on("exit", r));
  console.log(
    `\nbrowser upload path, ${ROWS.toLocaleString("en-US")} rows: upload ${(uploadedMs / 1000).toFixed(1)} s, classified by ${(doneMs / 1000).toFixed(1)} s ` +
      `(${Math.round(ROWS / (doneMs / 1000)).toLocaleString("en-US")} rows/s, rows stored for the batch page), ` +
      `server RSS ${mb(before)} before, peak ${mb(peak.peakKb)}, ${status}`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
