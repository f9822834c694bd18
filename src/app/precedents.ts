import Fuse from "fuse.js";
import type { Direction } from "../core/listSchema.ts";
import { type ModelNumber, modelKey } from "../core/modelNumber.ts";
import type { ClassificationRecord } from "../store/classificationStore.ts";
import type { PrecedentStore, ReviewedProduct } from "../store/precedentStore.ts";
import type { Review } from "../store/reviewStore.ts";
import type { BulkRow, RowVerdict } from "../bulk/pipeline.ts";
import type { Lang } from "../bulk/rowVerdict.ts";
import type { Actor } from "./audit.ts";
import { type ReviewDeps, makeReview } from "./reviews.ts";

/**
 * Precedents by model: a classification of a model that an earlier, reviewed record named too is
 * shown that decision, and a reviewer may adopt it (a new review citing the earlier record).
 */
export interface PrecedentDeps {
  readonly precedents: PrecedentStore;
  /** Reads a text's model or part number (data/model-numbers.json). */
  readonly readModel: (text: string) => ModelNumber | null;
}

/** One direction's precedent: the review that stands on the newest reviewed record of the model. */
export interface Precedent {
  readonly recordId: string;
  readonly modelText: string;
  readonly review: Review;
  /** Whether this record's own result already says what the precedent decided (verdict and entry). */
  readonly agrees: boolean;
}

/** The precedent of each direction of a record, from the other records of its model. */
export function precedentsFor(deps: Pick<PrecedentDeps, "precedents">, record: ClassificationRecord): Partial<Record<Direction, Precedent>> {
  const model = deps.precedents.modelOf(record.id);
  if (!model) return {};
  const reviews = deps.precedents.reviewsOfModel(model.modelKey, record.id);
  const found: Partial<Record<Direction, Precedent>> = {};
  for (const direction of ["import", "export"] as const) {
    // Newest first: the first review of a direction is the one that stands on the newest record.
    const review = reviews.find((r) => r.direction === direction);
    if (!review) continue;
    const own = record[direction];
    found[direction] = { recordId: review.recordId, modelText: review.modelText, review, agrees: own.verdict === review.verdict && (own.entry?.id ?? null) === review.entry };
  }
  return found;
}

/**
 * Adopts the precedents of a record: per direction, a review of this record that takes the earlier
 * decision (a confirmation where the result already agrees, an override to it where not), its reason
 * citing the earlier record. A direction whose decided entry is not in this record's edition is left
 * for the reviewer to decide.
 */
export function adoptPrecedents(
  deps: Pick<PrecedentDeps, "precedents"> & ReviewDeps,
  record: ClassificationRecord,
  actor: Actor,
  reasonFor: (p: Precedent) => string,
): { adopted: Direction[]; skipped: Direction[] } {
  const adopted: Direction[] = [];
  const skipped: Direction[] = [];
  for (const [direction, p] of Object.entries(precedentsFor(deps, record)) as [Direction, Precedent][]) {
    const made = makeReview(
      deps,
      record,
      p.agrees
        ? { direction, action: "confirm", reason: reasonFor(p) }
        : { direction, action: "override", verdict: p.review.verdict, entry: p.review.entry ?? undefined, reason: reasonFor(p) },
      actor,
    );
    (made.ok ? adopted : skipped).push(direction);
  }
  return { adopted, skipped };
}

/**
 * The reviewed decisions of a batch's models, looked up once at its start: a row names a model by its
 * SKU or model column, or in its text. The column says which rows have one and whether it agrees.
 * Null while no product has a reviewed decision: a file then comes back with the columns it always had.
 */
export function precedentColumn(deps: Pick<PrecedentDeps, "precedents" | "readModel">, lang: Lang, limit = 20_000): ((row: BulkRow) => string) | null {
  // In the language of the batch's other text columns; verdicts and entries are ids, as in theirs.
  const words = lang === "zh" ? { import: "进口", export: "出口", agrees: "一致", differs: "不同" } : { import: "import", export: "export", agrees: "agrees", differs: "differs" };
  const byKey = new Map<string, ReviewedProduct>();
  for (const p of deps.precedents.reviewedProducts(limit)) if (!byKey.has(p.modelKey)) byKey.set(p.modelKey, p);
  if (byKey.size === 0) return null;
  return (row: BulkRow): string => {
    if (!row.verdict) return "";
    const key = row.sku ? modelKey(row.sku) : null;
    const product = (key ? byKey.get(key) : undefined) ?? (() => {
      const read = row.description ? deps.readModel(row.description) : null;
      return read ? byKey.get(read.key) : undefined;
    })();
    if (!product) return "";
    const last = (d: Direction) => product.reviews.filter((r) => r.direction === d).at(-1);
    const parts = (["import", "export"] as const).flatMap((d) => {
      const r = last(d);
      if (!r) return [];
      const v = row.verdict as RowVerdict;
      const own = d === "import" ? [v.importVerdict, v.importEntry] : [v.exportVerdict, v.exportEntry];
      const agrees = own[0] === r.verdict && (own[1] ?? null) === r.entry;
      return [`${words[d]}: ${r.verdict}${r.entry ? ` ${r.entry}` : ""} (${r.reviewer}, ${r.createdAt.slice(0, 10)}, ${agrees ? words.agrees : words.differs})`];
    });
    return `${product.modelText} /c/${product.recordId}: ${parts.join("; ")}`;
  };
}

/** Reviewed products found by model, name or description: typos and partial model numbers still find them. */
export function searchProducts(deps: Pick<PrecedentDeps, "precedents">, query: string, limit = 50): ReviewedProduct[] {
  const products = deps.precedents.reviewedProducts(5_000);
  const q = query.trim();
  if (q === "") return products.slice(0, limit);
  const fuse = new Fuse(
    products.map((p) => ({ p, key: p.modelKey, model: p.modelText, description: p.description ?? "" })),
    { keys: [{ name: "key", weight: 3 }, { name: "model", weight: 2 }, { name: "description", weight: 1 }], threshold: 0.4, ignoreLocation: true },
  );
  // A model typed with other spaces, hyphens or width is searched by its key as well.
  const byKey = fuse.search(modelKey(q)).map((r) => r.item.p);
  const byText = fuse.search(q).map((r) => r.item.p);
  return [...new Set([...byKey, ...byText])].slice(0, limit);
}
