import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createClassifier } from "../core/classify.ts";
import { type ListData, ListDataError, loadListData } from "../data/loadListData.ts";
import { StoreOpenError, openClassificationStore } from "../store/classificationStore.ts";
import { itemLinks, recheckItemJson, recheckJson, recheckStatus, runRecheck } from "../app/recheck.ts";
import type { DirectionState, RecheckItem } from "../store/recheckStore.ts";

const USAGE = `Usage: npm run recheck -- [options]

Classifies every saved classification and batch row again against the list editions in force today,
and lists the items whose verdict or entry would change. Each of those gets a new record linked to
the old one; old records are never changed.

Options:
  --db FILE      the database (default: DATABASE_PATH, else var/classifier.db)
  --data DIR     list data folder with lists/*.json and vocabulary.json (default: DATA_DIR, else the bundled data/)
  --json         machine-readable output: the run and its changed items as one JSON document
  -h, --help     this text

Exit code: 0 when the re-check ran, 1 when the database or the list data cannot be opened, 2 for wrong options.`;

export interface RecheckCliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Record<string, string | undefined>;
  /** The clock (tests fix "today"). */
  readonly now?: () => Date;
  /** List data already loaded (tests); read from --data / DATA_DIR / data/ otherwise. */
  readonly listData?: ListData;
}

const PAGE = 1_000;

/** Runs the command; resolves to its exit code. */
export async function recheckCli(argv: readonly string[], io: RecheckCliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { db: { type: "string" }, data: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const dbFile = values.db ?? io.env.DATABASE_PATH ?? "var/classifier.db";
  let listData: ListData;
  let store;
  try {
    const dataDir = values.data ?? io.env.DATA_DIR;
    listData = io.listData ?? (dataDir ? loadListData(dataDir) : loadListData());
    store = openClassificationStore(dbFile);
  } catch (err) {
    if (err instanceof ListDataError || err instanceof StoreOpenError) {
      io.stderr.write(`Cannot re-check: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  try {
    const now = io.now ?? (() => new Date());
    const wasDue = recheckStatus({ store, listData }).due;
    const run = await runRecheck({ classifier: createClassifier(listData), store, listData, now });
    const pages = function* () {
      for (let offset = 0; offset < run.changed; offset += PAGE) yield store.rechecks.items(run.id, { offset, limit: PAGE });
    };
    if (values.json) {
      // Written a page at a time: a re-check of a large database may change many items.
      const head = JSON.stringify({ ...recheckJson(run), wasDue });
      io.stdout.write(`${head.slice(0, -1)},"items":[`);
      let first = true;
      for (const page of pages()) {
        for (const item of page) {
          io.stdout.write(`${first ? "" : ","}\n${JSON.stringify(recheckItemJson(item))}`);
          first = false;
        }
      }
      io.stdout.write("\n]}\n");
      return 0;
    }
    io.stdout.write(
      `Re-check ${run.id} against the editions in force on ${run.asOf} (${run.editions || "none"}), engine ${run.engineVersion}` +
        `${wasDue ? "" : " — no re-check was due: the list data is the same as at the last one"}.\n` +
        `${run.checked} checked: ${run.changed} changed, ${run.unchanged} unchanged, ${run.failed} failed.\n`,
    );
    if (run.changed > 0) {
      io.stdout.write("\n");
      let header = true;
      for (const page of pages()) {
        io.stdout.write(table(page.flatMap(rowsOf), header));
        header = false;
      }
    }
    return 0;
  } finally {
    store.close();
  }
}

const COLUMNS = ["item", "direction", "before", "now", "reason", "old", "new"] as const;
const WIDTHS = [32, 9, 42, 42, 0, 0, 0];

function rowsOf(item: RecheckItem): string[][] {
  const links = itemLinks(item);
  const text = item.text.length > 32 ? `${item.text.slice(0, 31)}…` : item.text;
  return item.changes
    .filter((c) => c.changed)
    .map((c) => [`${text}${item.reviewed ? " (reviewed)" : ""}`, c.direction, state(c.old), state(c.new), c.reason.en, links.old, links.new]);
}

const state = (s: DirectionState) => (s.verdict ? `${s.verdict} ${s.entry ?? "-"} (${s.edition ?? "no edition"})` : "-");

/** Columns padded to fixed widths (the last ones are left free): readable in a terminal, easy to cut. */
function table(rows: string[][], header: boolean): string {
  const line = (cells: readonly string[]) =>
    `${cells.map((c, i) => (WIDTHS[i] ? c.padEnd(WIDTHS[i] as number) : c)).join("  ").trimEnd()}\n`;
  return `${header ? line(COLUMNS) : ""}${rows.map(line).join("")}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // `… | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  process.exitCode = await recheckCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
}
