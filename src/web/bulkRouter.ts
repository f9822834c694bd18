import { modelKey } from "../core/modelNumber.ts";
import fs from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import express, { type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { ENGINE_VERSION } from "../core/classify.ts";
import { DELIMITERS, parseEncodingName } from "../bulk/detect.ts";
import { BulkInputError, RESULT_COLUMNS } from "../bulk/pipeline.ts";
import { XLSX_TYPE, csvResultAsXlsx, isXlsxName, refusedWorkbookName } from "../bulk/xlsx.ts";
import { safeCsv } from "../bulk/csvSafety.ts";
import type { ColumnMapping } from "../bulk/columns.ts";
import { newRecordId, RECORD_ID } from "../store/classificationStore.ts";
import type { Batch, BatchOptions } from "../store/batchStore.ts";
import type { AppDeps, AppGuards } from "./createApp.ts";
import { todayInChina } from "../core/dates.ts";
import type { Translate } from "./i18n/index.ts";
import { editionIdsInForce, siteBase } from "./webHelpers.ts";
import { isDiskFull } from "../store/diskFull.ts";
import { actorOf, requireRole } from "./auth.ts";
import { recordAuditSoon } from "../app/audit.ts";

const ROWS_PER_PAGE = 50;
const VERDICT_FILTER = z.enum(["licence_required", "needs_info", "below_threshold", "exempt", "not_listed"]);

const SAMPLE_CSV = [
  "SKU,品名,HS code,Notes",
  'A-1001,"服务器密码机，SM4加解密速率 20Gbps，SM2签名速率 8万次/秒，机架式",8543709950,',
  'A-1002,"IPsec VPN gateway, AES-256, IPsec throughput 40 Gbps",8517622920,',
  'A-1003,"Next-generation firewall, firewall throughput 30 Gbps, IPsec VPN with AES",851762,',
  'A-1004,"密钥管理系统，可管理1万个密钥对象，支持SM2/SM4",,',
  'A-1005,"5G 智能手机，文件加密，消费类零售",8517130000,',
  'A-1006,"24口千兆交换机，不支持加密",851762,',
  "A-1007,,8543709950,HS code only",
].join("\r\n");

/** Browser bulk classification (/bulk, /b/:id, /batches) and the batch API. */
export function bulkRouter(deps: AppDeps, guards: AppGuards): express.Router {
  const router = express.Router();
  const { jobs, maxUploadBytes } = deps.bulk;
  const batches = deps.store.batches;
  const editionsNow = (asOf: string) => editionIdsInForce(deps, asOf);

  const renderUpload = (res: Response, errors: { field: string; message: string }[], values: Record<string, string>, status = 200) =>
    res.status(status).render("bulk", {
      title: res.locals.t("bulk.title"),
      activeNav: "bulk",
      errors,
      values,
      maxMb: Math.round(maxUploadBytes / (1024 * 1024)),
    });

  router.get("/bulk", requireRole("viewer"), (_req, res) => renderUpload(res, [], { asOf: todayInChina(deps.now()), encoding: "", delimiter: "" }));

  router.get("/bulk/sample.csv", requireRole("viewer"), (_req, res) => {
    res.type("text/csv; charset=utf-8").attachment("sample-skus.csv").send(`\ufeff${SAMPLE_CSV}\r\n`);
  });

  // The token comes in the query string: the multipart body is streamed to disk, not parsed first.
  router.post("/bulk", requireRole("classifier"), guards.limits.uploads, guards.csrf.protect, (req: Request, res: Response, next: NextFunction) => {
    const t = res.locals.t as Translate;
    if (!req.is("multipart/form-data")) {
      renderUpload(res, [{ field: "file", message: t("bulk.error.noFile") }], { asOf: todayInChina(deps.now()) }, 400);
      return;
    }
    const id = newRecordId();
    const uploadPath = path.join(deps.bulk.batchDir, `${id}.upload`);
    const fields: Record<string, string> = {};
    let fileName: string | null = null;
    let tooLarge = false;
    let writing: Promise<void> | null = null;
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { files: 1, fields: 10, fieldSize: 1024, fileSize: maxUploadBytes } });
    } catch {
      renderUpload(res, [{ field: "file", message: t("bulk.error.noFile") }], { asOf: todayInChina(deps.now()) }, 400);
      return;
    }
    // A broken or cut-off form is the client's error (400); a disk that fills up while the file is
    // written is ours (503). Either way: answer once, keep nothing, and let neither the parser's
    // error nor its close event answer a second time.
    let answered = false;
    const rejectUpload = (err?: unknown) => {
      if (answered) return;
      answered = true;
      req.unpipe(bb);
      req.resume();
      fs.rm(uploadPath, { force: true }, () => {});
      if (isDiskFull(err)) renderUpload(res, [{ field: "file", message: t("error.diskFull.body") }], { asOf: todayInChina(deps.now()) }, 503);
      else renderUpload(res, [{ field: "file", message: t("bulk.error.broken") }], { asOf: todayInChina(deps.now()) }, 400);
    };
    bb.on("field", (name, value) => (fields[name] = value));
    bb.on("file", (_name, stream, info) => {
      fileName = info.filename || "upload.csv";
      stream.on("limit", () => (tooLarge = true));
      // Straight to disk: the server's memory does not grow with the file. A failed write (a full
      // disk) is answered at once, not when the form ends: the form may never end once it stalls.
      writing = pipeline(stream, fs.createWriteStream(uploadPath));
      writing.catch(rejectUpload);
    });
    bb.on("error", rejectUpload);
    req.on("aborted", () => {
      answered = true;
      fs.rmSync(uploadPath, { force: true });
    });
    bb.on("close", () => {
      void (async () => {
        try {
          await writing;
        } catch {
          return; // answered by rejectUpload
        }
        if (answered) return;
        answered = true;
        const values = { asOf: fields.asOf ?? "", encoding: fields.encoding ?? "", delimiter: fields.delimiter ?? "" };
        const errors: { field: string; message: string }[] = [];
        const size = fileName ? fs.statSync(uploadPath, { throwIfNoEntry: false })?.size ?? 0 : 0;
        if (!fileName || size === 0) errors.push({ field: "file", message: t("bulk.error.noFile") });
        if (tooLarge) errors.push({ field: "file", message: t("bulk.error.tooLarge", { max: Math.round(maxUploadBytes / (1024 * 1024)) }) });
        const asOf = values.asOf.trim() || todayInChina(deps.now());
        if (!z.iso.date().safeParse(asOf).success) errors.push({ field: "asOf", message: t("classify.error.asOf") });
        const encoding = values.encoding ? parseEncodingName(values.encoding) : null;
        if (values.encoding && !encoding) errors.push({ field: "encoding", message: t("bulk.error.encoding") });
        const delimiter = values.delimiter === "tab" ? "\t" : values.delimiter || null;
        if (delimiter && !(DELIMITERS as readonly string[]).includes(delimiter)) errors.push({ field: "delimiter", message: t("bulk.error.delimiter") });
        if (errors.length > 0) {
          fs.rmSync(uploadPath, { force: true });
          renderUpload(res, errors, values, tooLarge ? 413 : 400);
          return;
        }
        const name = fileName ?? "";
        if (refusedWorkbookName(name)) {
          fs.rmSync(uploadPath, { force: true });
          renderUpload(res, [{ field: "file", message: t("bulk.error.workbookType") }], values, 415);
          return;
        }
        const workbook = isXlsxName(name) ? { sheet: (fields.sheet ?? "").trim().slice(0, 100) || null } : null;
        const options: BatchOptions = { encoding, delimiter, mapping: {}, asOf, lang: res.locals.lang as "en" | "zh", workbook };
        const batch = batches.create(
          // A workbook's size says nothing of how much text it holds: its progress is counted in rows only.
          { id, fileName: (fileName as string).slice(0, 200), source: "upload", options, totalBytes: workbook ? null : size, editions: editionsNow(asOf), engineVersion: ENGINE_VERSION },
          deps.now(),
          actorOf(req).name,
        );
        // Written with the next commit: a failing audit line never leaves a batch recorded but not run.
        recordAuditSoon(deps, actorOf(req), "batch_uploaded", id, batch.fileName);
        jobs.enqueue(batch, uploadPath, siteBase(req));
        res.redirect(303, `/b/${id}`);
      })().catch((err: unknown) => {
        // The batch could not be recorded (a full database disk): the upload is not kept either.
        fs.rm(uploadPath, { force: true }, () => {});
        next(err);
      });
    });
    req.pipe(bb);
  });

  router.get("/batches", requireRole("viewer"), (_req, res) => {
    res.render("batches", { title: res.locals.t("batches.title"), activeNav: "bulk", batches: batches.list(200) });
  });

  const findBatch = (id: string, res: Response): Batch | null => {
    const batch = RECORD_ID.test(id) ? batches.get(id) : null;
    if (!batch) res.status(404).render("error", { heading: res.locals.t("error.notFound.title"), message: res.locals.t("batch.notFound") });
    return batch;
  };

  router.get("/b/:id/progress.json", requireRole("viewer"), (req: Request<{ id: string }>, res: Response) => {
    const batch = RECORD_ID.test(req.params.id) ? batches.get(req.params.id) : null;
    if (!batch) {
      res.status(404).json({ error: "No batch with this id.", fields: {} });
      return;
    }
    res.set("Cache-Control", "no-store").json(progressOf(batch, jobs.progress(batch.id)));
  });

  /** A finished batch's result file and the name to download it under, or null once the answer is sent. */
  const finishedResult = (req: Request<{ id: string }>, res: Response, extension: "csv" | "xlsx") => {
    const batch = findBatch(req.params.id, res);
    if (!batch) return null;
    const file = jobs.outputPath(batch.id);
    if (batch.status !== "done" || !fs.existsSync(file)) {
      res.status(409).render("error", { heading: res.locals.t("batch.notReady.title"), message: res.locals.t("batch.notReady.body") });
      return null;
    }
    const name = `${batch.fileName.replace(/\.[^.]*$/, "").replace(/[^\w.\-\u4e00-\u9fff]+/g, "_") || "batch"}-classified.${extension}`;
    return { file, name };
  };

  router.get("/b/:id/result.xlsx", requireRole("viewer"), (req: Request<{ id: string }>, res: Response, next: NextFunction) => {
    const result = finishedResult(req, res, "xlsx");
    if (!result) return;
    res.type(XLSX_TYPE).attachment(result.name);
    csvResultAsXlsx(fs.createReadStream(result.file), res).catch(next);
  });

  router.get("/b/:id/result.csv", requireRole("viewer"), (req: Request<{ id: string }>, res: Response) => {
    const result = finishedResult(req, res, "csv");
    if (!result) return;
    res.type("text/csv; charset=utf-8").attachment(result.name);
    fs.createReadStream(result.file).pipe(res);
  });

  const findRow = (req: Request<{ id: string; row: string }>, res: Response) => {
    const batch = findBatch(req.params.id, res);
    if (!batch) return null;
    const rowNumber = Number(req.params.row);
    const row = Number.isInteger(rowNumber) && rowNumber > 0 ? batches.row(batch.id, rowNumber) : null;
    if (!row || row.error) {
      res.status(404).render("error", { heading: res.locals.t("error.notFound.title"), message: res.locals.t("batch.rowNotFound") });
      return null;
    }
    return { batch, row, recordId: row.recordId && deps.store.getJson(row.recordId) ? row.recordId : null };
  };

  // A row's permalink is a stored classification of its own. Opening the link (a GET, which
  // crawlers and prefetchers also send) never writes: it shows the row and a button that makes it.
  router.get("/b/:id/rows/:row", requireRole("viewer"), (req: Request<{ id: string; row: string }>, res: Response) => {
    const found = findRow(req, res);
    if (!found) return;
    if (found.recordId) return res.redirect(303, `/c/${found.recordId}`);
    res.render("batch-row", { title: res.locals.t("batchRow.title"), activeNav: "bulk", batch: found.batch, row: found.row });
  });

  router.post(
    "/b/:id/rows/:row",
    requireRole("classifier"),
    express.urlencoded({ extended: false, limit: "8kb" }),
    guards.csrf.protect,
    async (req: Request<{ id: string; row: string }>, res: Response) => {
      const found = findRow(req, res);
      if (!found) return;
      let recordId = found.recordId;
      if (!recordId) {
        const { row } = found;
        const result = await deps.classifyService.classify({ description: row.description ?? undefined, hsCode: row.hsCode ?? undefined, asOf: row.asOf });
        // The row's model: its SKU column, else what its text names (as a batch's precedent column reads it).
        const model = row.sku && modelKey(row.sku) ? { key: modelKey(row.sku), text: row.sku } : row.description ? deps.readModel(row.description) : null;
        recordId = (await deps.store.saveSoon(result, deps.now(), actorOf(req).name, model)).id;
        batches.setRowRecord(found.batch.id, row.row, recordId);
      }
      res.redirect(303, `/c/${recordId}`);
    },
  );

  // A re-run queues a whole batch again: it shares the uploads' budget per client.
  router.post("/b/:id/rerun", requireRole("classifier"), guards.limits.uploads, express.urlencoded({ extended: false, limit: "8kb" }), guards.csrf.protect, (req: Request<{ id: string }>, res: Response) => {
    const batch = findBatch(req.params.id, res);
    if (!batch) return;
    const uploadPath = path.join(deps.bulk.batchDir, `${batch.id}.upload`);
    if (batch.source !== "upload" || !fs.existsSync(uploadPath)) {
      res.status(409).render("error", { heading: res.locals.t("batch.notReady.title"), message: res.locals.t("batch.noUpload") });
      return;
    }
    const width = batch.header?.length ?? 0;
    const pick = (name: string): number | null => {
      const v = (req.body as Record<string, unknown>)[name];
      const n = typeof v === "string" && v !== "" ? Number(v) : NaN;
      return Number.isInteger(n) && n >= 0 && n < width ? n : null;
    };
    const mapping: ColumnMapping = { description: pick("description"), hsCode: pick("hsCode"), sku: pick("sku"), asOf: pick("asOf") };
    const id = newRecordId();
    // A second name for the same bytes, not a copy: re-runs cost no disk. (A copy where links are not supported.)
    const rerunPath = path.join(deps.bulk.batchDir, `${id}.upload`);
    try {
      fs.linkSync(uploadPath, rerunPath);
    } catch {
      fs.copyFileSync(uploadPath, rerunPath);
    }
    const next = batches.create(
      {
        id,
        fileName: batch.fileName,
        source: "upload",
        options: { ...batch.options, mapping },
        totalBytes: batch.totalBytes,
        editions: editionsNow(batch.options.asOf),
        engineVersion: ENGINE_VERSION,
      },
      deps.now(),
      actorOf(req).name,
    );
    recordAuditSoon(deps, actorOf(req), "batch_uploaded", id, `${batch.fileName} (re-run of ${batch.id})`);
    jobs.enqueue(next, path.join(deps.bulk.batchDir, `${id}.upload`), siteBase(req));
    res.redirect(303, `/b/${id}`);
  });

  router.get("/b/:id", requireRole("viewer"), (req: Request<{ id: string }>, res: Response) => {
    const batch = findBatch(req.params.id, res);
    if (!batch) return;
    const direction = req.query.direction === "import" || req.query.direction === "export" ? req.query.direction : undefined;
    const verdictParse = VERDICT_FILTER.safeParse(req.query.verdict);
    const verdict = verdictParse.success ? verdictParse.data : undefined;
    const errorsOnly = req.query.errors === "1";
    const page = Math.max(1, Math.min(1_000_000, Number.parseInt(String(req.query.page ?? "1"), 10) || 1));
    const { rows, total } = batches.rows(batch.id, { direction, verdict, errorsOnly, offset: (page - 1) * ROWS_PER_PAGE, limit: ROWS_PER_PAGE });
    res.render("batch", {
      title: `${res.locals.t("batch.title")} · ${batch.fileName}`,
      activeNav: "bulk",
      scripts: batch.status === "queued" || batch.status === "running" ? ["/static/batch.js"] : [],
      batch,
      progress: progressOf(batch, jobs.progress(batch.id)),
      rows,
      total,
      page,
      pages: Math.max(1, Math.ceil(total / ROWS_PER_PAGE)),
      filter: { direction: direction ?? "", verdict: verdict ?? "", errorsOnly },
      answers: batches.answers(batch.id),
      answeredBy: batches.answeredBy(batch.id),
    });
  });

  return router;
}

/**
 * POST /api/v1/classify/batch: a CSV body in, the classified CSV (or JSON lines with
 * Accept: application/x-ndjson) streamed out, row by row, as it is read.
 */
export function batchApi(deps: AppDeps) {
  const { jobs, maxUploadBytes } = deps.bulk;
  const batches = deps.store.batches;
  const editionsNow = (asOf: string) => editionIdsInForce(deps, asOf);
  return async (req: Request, res: Response, next: NextFunction) => {
      // A compressed body would be read as garbage: say so rather than classify noise.
      if ((req.get("content-encoding") ?? "identity").toLowerCase() !== "identity") {
        res.status(415).json({ error: "Send the CSV uncompressed (no Content-Encoding).", fields: {} });
        return;
      }
      // Not text/plain: a cross-site form could send that without a CORS preflight.
      const workbookBody = req.is(XLSX_TYPE) !== false && req.is(XLSX_TYPE) !== null;
      if (!req.is("text/csv") && !req.is("application/csv") && !workbookBody) {
        res.status(415).json({ error: `Send the CSV as the request body with Content-Type: text/csv (or an .xlsx workbook with Content-Type: ${XLSX_TYPE}).`, fields: {} });
        return;
      }
      const q = req.query as Record<string, unknown>;
      const str = (v: unknown) => (typeof v === "string" ? v : "");
      const errors: Record<string, string[]> = {};
      const asOf = str(q.asOf) || todayInChina(deps.now());
      if (!z.iso.date().safeParse(asOf).success) errors.asOf = ["must be a date YYYY-MM-DD"];
      const encoding = str(q.encoding) ? parseEncodingName(str(q.encoding)) : null;
      if (str(q.encoding) && !encoding) errors.encoding = ["must be utf-8, utf-16le, utf-16be or gb18030"];
      const delimiter = str(q.delimiter) === "tab" ? "\t" : str(q.delimiter) === "semicolon" ? ";" : str(q.delimiter) === "comma" ? "," : str(q.delimiter) || null;
      if (delimiter && !(DELIMITERS as readonly string[]).includes(delimiter)) errors.delimiter = ["must be comma, semicolon or tab"];
      const lang = str(q.lang) === "zh" ? "zh" : "en";
      if (Object.keys(errors).length > 0) {
        res.status(400).json({ error: "The request has invalid parameters.", fields: errors });
        return;
      }
      const ndjson = req.accepts(["text/csv", "application/x-ndjson"]) === "application/x-ndjson";
      const declared = Number(req.get("content-length"));
      if (Number.isFinite(declared) && declared > maxUploadBytes) {
        res.status(413).json({ error: `The CSV is larger than ${formatBytes(maxUploadBytes)}.`, fields: {} });
        return;
      }
      const id = newRecordId();
      const batch = batches.create(
        {
          id,
          fileName: "api",
          source: "api",
          options: { encoding, delimiter, mapping: {}, asOf, lang, workbook: workbookBody ? { sheet: str(q.sheet).trim().slice(0, 100) || null } : null },
          totalBytes: Number.isFinite(declared) ? declared : null,
          editions: editionsNow(asOf),
          engineVersion: ENGINE_VERSION,
        },
        deps.now(),
        actorOf(req).name,
      );
      recordAuditSoon(deps, actorOf(req), "batch_uploaded", id, "api");
      res.setHeader("Content-Type", ndjson ? "application/x-ndjson; charset=utf-8" : "text/csv; charset=utf-8");
      res.setHeader("X-Batch-Id", id);
      try {
        // ?description=品名&hsCode=HS%20code names the columns when their headers are not recognised.
        const columnNames = { description: str(q.description), hsCode: str(q.hsCode), sku: str(q.sku), asOf: str(q.asOfColumn) };
        await jobs.runStream(batch, req.pipe(byteLimit(maxUploadBytes)), res, ndjson ? "ndjson" : "csv", siteBase(req), columnNames);
      } catch (err) {
        if (res.headersSent) {
          abortWithErrorRow(res, ndjson ? "ndjson" : "csv", batches.get(id), err as Error);
          return;
        }
        res.removeHeader("X-Batch-Id");
        res.removeHeader("Content-Type");
        if (err instanceof BulkInputError) res.status(400).json({ error: err.message, fields: { body: [err.message] } });
        else if ((err as { code?: string }).code === "LIMIT") res.status(413).json({ error: (err as Error).message, fields: {} });
        else next(err);
      }
    };
}

/**
 * An API batch that fails after its header was sent: a last row says so (CSV: in the error column;
 * JSON lines: an error line), then the connection is cut rather than ended, so no client can take a
 * cut-off answer for a whole one.
 */
function abortWithErrorRow(res: Response, format: "csv" | "ndjson", batch: Batch | null, err: Error): void {
  const message = `the batch failed here: the rows after the last one above were not classified (${err.message})`;
  const cut = (): void => {
    res.destroy(err);
  };
  if (res.destroyed || !res.writable) return cut();
  const own = batch?.header?.length ?? 0;
  const cells = Array<string>(own + RESULT_COLUMNS.length).fill("");
  cells[own + RESULT_COLUMNS.indexOf("error")] = message;
  const text = format === "ndjson" ? `${JSON.stringify({ error: message, batchFailed: true })}\n` : safeCsv([cells]);
  res.write(text, cut);
  // Should the write never complete (a stalled client), cut it all the same.
  setTimeout(cut, 2000).unref();
}

const formatBytes = (n: number) => (n >= 1048576 ? `${Math.round(n / 1048576)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

/** Stops a body that keeps coming past the limit (no Content-Length to check up front). */
function byteLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) done(Object.assign(new Error(`The CSV is larger than ${formatBytes(max)}.`), { code: "LIMIT" }));
      else done(null, chunk);
    },
  });
}

export interface ProgressView {
  readonly status: Batch["status"];
  readonly rowsDone: number;
  readonly errors: number;
  readonly fraction: number | null;
  readonly estimatedTotal: number | null;
  readonly rowsPerSecond: number | null;
  readonly secondsLeft: number | null;
}

function progressOf(batch: Batch, live: ReturnType<AppDeps["bulk"]["jobs"]["progress"]>): ProgressView {
  const status = live?.status ?? batch.status;
  const rowsDone = live?.rowsDone ?? batch.rowsDone;
  const bytesRead = live?.bytesRead ?? batch.bytesRead;
  const total = batch.totalBytes;
  if (status === "done") {
    return { status, rowsDone, errors: batch.errors, fraction: 1, estimatedTotal: rowsDone, rowsPerSecond: null, secondsLeft: 0 };
  }
  const fraction = total && total > 0 ? Math.min(1, bytesRead / total) : null;
  const startedAt = live?.startedAt ?? null;
  const elapsed = startedAt ? (Date.now() - startedAt) / 1000 : null;
  const rowsPerSecond = elapsed && elapsed > 0.2 ? rowsDone / elapsed : null;
  return {
    status,
    rowsDone,
    errors: live?.errors ?? batch.errors,
    fraction,
    estimatedTotal: fraction && fraction > 0.01 ? Math.round(rowsDone / fraction) : null,
    rowsPerSecond,
    secondsLeft: fraction && fraction > 0.01 && elapsed ? Math.max(0, Math.round(elapsed * (1 / fraction - 1))) : null,
  };
}
