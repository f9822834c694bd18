import type { Direction, Edition, Entry, ProductTypeId } from "./listSchema.ts";
import type { Vocabulary } from "./vocabularySchema.ts";
import { type Evidence, type Parameters, type RateFound, type TraceStep, type TypeFound, QUALIFIABLE_HOSTS, TOOL_TYPES, buildLexicon, extractParameters } from "./extract.ts";
import { type Answers, type Question, type QuestionId, STATED_BY_USER, question } from "./questions.ts";
import { normalise } from "./normalise.ts";
import { quoted } from "./trace.ts";
import { createTypoCorrector } from "./typos.ts";
import { normaliseHsCode } from "./hsCode.ts";
import { type CandidateMatch, candidateVerdict, criterionCheck, productTypeCheck } from "./evaluate.ts";
import type {
  Bilingual,
  CandidateResult,
  Check,
  Classification,
  ClassificationInput,
  EditionRef,
  EntryRef,
  MatchKind,
  Outcome,
  Verdict,
} from "./result.ts";

/** Bumped whenever a change to the engine or vocabulary may change a verdict; stored with every record. */
export const ENGINE_VERSION = "1.11.0";

const VERDICT_RANK: Record<Verdict, number> = {
  licence_required: 4,
  needs_info: 3,
  below_threshold: 2,
  exempt: 1,
  not_listed: 0,
};
const MATCH_RANK: Record<MatchKind, number> = {
  product_type: 6,
  sector: 5,
  software: 4,
  technology: 4,
  host: 3,
  feature: 2,
  hs_code: 1,
};

const VERDICT_WORDS: Record<Verdict, Bilingual> = {
  licence_required: { en: "Licence likely required", zh: "可能需要许可证" },
  needs_info: { en: "More information needed", zh: "需要补充信息" },
  below_threshold: { en: "Below the thresholds", zh: "低于管控指标" },
  exempt: { en: "Exempt as a mass-market product", zh: "属大众消费类产品，不受管控" },
  not_listed: { en: "Not listed", zh: "不在清单内" },
};

const PUBLIC_DOMAIN_WORDS: Bilingual = {
  en: "Not controlled: public-domain or open-source software (reading rule 17)",
  zh: "不受管控：属公开领域或开源软件（阅读规则17）",
};

export interface ClassifierOptions {
  readonly editions: readonly Edition[];
  readonly vocabulary: Vocabulary;
  /** How many results to keep by exact input; 0 turns the cache off. */
  readonly cacheSize?: number;
}

export interface Classifier {
  /** With `trace`, the result says how the description was read, step by step (never cached). */
  classify(input: ClassificationInput, options?: { readonly trace?: boolean }): Classification;
  /** The editions in force on a date, one per direction (null where none was). */
  editionsInForce(asOf: string): Record<Direction, Edition | null>;
}

export function createClassifier(options: ClassifierOptions): Classifier {
  const lexicon = buildLexicon(options.vocabulary);
  const correctTypos = createTypoCorrector(options.vocabulary);
  // Small by default: a full classification is a few kilobytes; bulk work caches compact row verdicts instead.
  const cacheSize = options.cacheSize ?? 2_000;
  const cache = new Map<string, Classification>();

  // A catalogue's rows share a few dates: the editions in force are picked once per date.
  const inForceByDate = new Map<string, Record<Direction, Edition | null>>();
  const editionsInForce = (asOf: string): Record<Direction, Edition | null> => {
    const known = inForceByDate.get(asOf);
    if (known) return known;
    const picked = pickEditions(asOf);
    if (inForceByDate.size >= 256) inForceByDate.clear();
    inForceByDate.set(asOf, picked);
    return picked;
  };
  const pickEditions = (asOf: string): Record<Direction, Edition | null> => {
    const pick = (direction: Direction) =>
      options.editions
        .filter((e) => e.direction === direction && e.effectiveFrom <= asOf && (e.effectiveTo === null || asOf <= e.effectiveTo))
        .sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0] ?? null;
    return { import: pick("import"), export: pick("export") };
  };

  const compute = (input: ClassificationInput, trace?: TraceStep[]): Classification => {
    const description = input.description?.trim() ? input.description : null;
    const hsCode = input.hsCode ? normaliseHsCode(input.hsCode) : null;
    const norm = correctTypos(normalise(description ?? ""));
    const answers = input.answers && Object.keys(input.answers).length > 0 ? input.answers : null;
    const parameters = withStatedFigures(extractParameters(norm, lexicon, options.vocabulary, trace), answers);
    const editions = editionsInForce(input.asOf);
    const hasDescription = description !== null;
    const importOutcome = decide("import", editions.import, parameters, hsCode, hasDescription, input.asOf, answers);
    const exportOutcome = decide("export", editions.export, parameters, hsCode, hasDescription, input.asOf, answers);
    return {
      asOf: input.asOf,
      engineVersion: ENGINE_VERSION,
      input: { description, hsCode, ...(answers ? { answers } : {}) },
      // The parameters were read for this classification alone, so the code joins them in place: a
      // copy with one more key costs microseconds in V8, on every row.
      parameters: Object.assign(parameters, { hsCode }),
      import: importOutcome,
      export: exportOutcome,
      ...(trace ? { trace } : {}),
    };
  };

  return {
    editionsInForce,
    classify(input, classifyOptions) {
      if (classifyOptions?.trace) return compute(input, []);
      if (cacheSize === 0) return compute(input);
      const key = `${input.asOf}\u0000${input.hsCode ?? ""}\u0000${input.description ?? ""}${input.answers ? `\u0000${JSON.stringify(input.answers)}` : ""}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const result = compute(input);
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
      cache.set(key, result);
      return result;
    },
  };
}

interface Candidate {
  readonly entry: Entry;
  readonly match: CandidateMatch;
  readonly position: number;
  readonly order: number;
}

const HARDWARE_TYPES = new Set<ProductTypeId>([
  "encrypted_phone",
  "encrypted_fax",
  "cipher_machine",
  "vpn_equipment",
  "security_chip",
  "key_management",
  "quantum_crypto",
  "cryptanalysis",
  "crypto_production_equipment",
  "crypto_test_equipment",
]);


/** What the parameters say that every entry's match asks about: read once, not once per entry. */
interface Signals {
  readonly cryptoSignal: boolean;
  readonly anyPrimary: boolean;
  readonly anyHost: boolean;
  /** A host word of other equipment than network gear (a phone, a chip's host), which a cipher-machine feature does not make a candidate. */
  readonly anyHostBesideNetwork: boolean;
  /** The product-type words of each type, in text order: most entries' types have none. */
  readonly typesByType: ReadonlyMap<ProductTypeId, TypeFound[]>;
}

/** Whether the text speaks of cryptography: a crypto word, a counted algorithm, or a listed product named. */
function hasCryptoSignal(p: Parameters): boolean {
  return p.cryptoFunction.length > 0 || p.algorithms.some((a) => a.counted) || p.types.some((t) => t.strength === "primary");
}

function signalsOf(p: Parameters): Signals {
  const anyPrimary = p.types.some((t) => t.strength === "primary");
  const typesByType = new Map<ProductTypeId, TypeFound[]>();
  for (const t of p.types) {
    const list = typesByType.get(t.type);
    if (list) list.push(t);
    else typesByType.set(t.type, [t]);
  }
  return {
    cryptoSignal: hasCryptoSignal(p),
    anyPrimary,
    // Equipment that offers encryption as one feature (a switch, DPU, storage array: the cipher-machine
    // hosts) may offer VPN as another, so it does not stop a VPN word being read (reading rule 11).
    anyHost: p.types.some((t) => t.strength === "host" && t.type !== "cipher_machine"),
    anyHostBesideNetwork: p.types.some((t) => t.strength === "host" && t.type !== "cipher_machine" && t.type !== "vpn_equipment"),
    typesByType,
  };
}

/**
 * Whether software or technology may be for a listed item: the text names one, beyond the protocols a
 * product speaks, or it calls the item software only outside its name (the item may be the device that
 * runs it, "firmware upgrade" being one of its features).
 */
function mayBeForListedItem(p: Parameters): boolean {
  return !p.itemKindNamed || p.chipDesign || p.types.some((t) => t.strength !== "feature") || p.sectors.some((s) => s.product || s.dedicated);
}

const NO_TYPES: readonly TypeFound[] = [];

/** The firmer of two ways an entry is matched; the one found first among equals. */
function firmer(found: CandidateMatch | null, other: CandidateMatch): CandidateMatch {
  return found === null || MATCH_RANK[other.kind] > MATCH_RANK[found.kind] ? other : found;
}

/** How one entry is matched by the description and HS code, if at all (strongest way first). */
function matchEntry(entry: Entry, p: Parameters, signals: Signals, hsCode: string | null, hasDescription: boolean): CandidateMatch | null {
  const { cryptoSignal, anyPrimary, anyHost, anyHostBesideNetwork } = signals;
  // Entries are many and matches few: the firmest match so far is kept, no list of them is made.
  let found: CandidateMatch | null = null;
  for (const type of entry.productTypes) {
    if (type === "sector_crypto_equipment") {
      // A sector word alone ("police", "bank") says who uses a product, not that it is made for them:
      // it raises the sector entry when the text says so, or when it names no other product type and
      // no general product (a bank's printers are printers).
      // Tooling for a sector's items (a tester of financial IC cards) is read as tooling.
      // (Most texts name no sector: the rest is read only for those that do.)
      if (p.itemKind !== "hardware" || p.sectors.length === 0) continue;
      const sectorNamesProduct =
        (p.headType === null || !TOOL_TYPES.has(p.headType)) && (p.sectors.some((s) => s.dedicated) || (!p.types.some((t) => t.strength !== "feature") && !p.generalProduct));
      // A product that exists only for a sector (税控收款机, an encrypting PIN pad) carries its crypto in its name.
      // A sector's equipment with a listed part in it (an electricity meter with its ESAM) asks the question too (rule 12).
      if ((cryptoSignal || p.listedParts.length > 0 || p.sectors.some((s) => s.product)) && sectorNamesProduct)
        found = firmer(found, { kind: "sector", evidence: p.sectors.map((s) => s.evidence) });
      continue;
    }
    if (type === "crypto_software" || type === "crypto_technology") {
      const kind = type === "crypto_software" ? "software" : "technology";
      // A crypto protocol named for it (a MACsec engine's RTL, IPsec firmware) says the software or design data is crypto.
      // …and it is for a listed item only where the text names one (an HSM's firmware, a VPN gateway's
      // OS): a crypto library or an application with a crypto module is not specially designed for one (rule 14).
      if (p.itemKind === kind && (cryptoSignal || p.types.some((t) => t.strength === "feature")) && p.itemKindEvidence && mayBeForListedItem(p))
        found = firmer(found, { kind, evidence: [p.itemKindEvidence] });
      continue;
    }
    if (!HARDWARE_TYPES.has(type) || p.itemKind !== "hardware") continue;
    const hits = signals.typesByType.get(type) ?? NO_TYPES;
    if (hits.length === 0) {
      // With no word of the type, only a cipher machine can still be read, from its rates: with no product
      // word, but listed algorithms with an encryption or signature rate stated for them (a spec table of a
      // cipher machine that never says what it is), the type is the question.
      if (type === "cipher_machine" && p.types.length === 0 && !p.generalProduct && p.algorithms.some((a) => a.counted)) {
        const cryptoRates = p.rates.filter((r) => (r.kind === "symmetric" || r.kind === "signature") && r.labelFrom !== "none");
        if (cryptoRates.length > 0) found = firmer(found, { kind: "feature", evidence: cryptoRates.map((r) => r.evidence) });
      }
      continue;
    }
    const primary = hits.filter((t) => t.strength === "primary");
    if (primary.length > 0) {
      found = firmer(found, { kind: "product_type", evidence: primary.map((t) => t.evidence) });
      continue;
    }
    const hosts = hits.filter((t) => t.strength === "host");
    const features = hits.filter((t) => t.strength === "feature");
    // A VPN needs a VPN word beside the firewall or router; a phone, fax or chip needs any crypto word.
    // Test or production tooling needs the listed item it is for, or a crypto word.
    const hostFunction =
      type === "vpn_equipment"
        ? features.length > 0
        : QUALIFIABLE_HOSTS.has(type) && p.storedDataOnly.length > 0
          ? false // its encryption protects what it stores, not what it transmits (rule 15)
          : p.cryptoFunction.length > 0 || p.algorithms.some((a) => a.counted) || (TOOL_TYPES.has(type) && p.toolFor.length > 0);
    // A chip word in a text that names a general-purpose chip as the product ("32位MCU … 通用芯片") is that chip (rule 11).
    // …and so is one in a text naming the wireless standard the chip implements ("芯片 … WiFi + 蓝牙").
    const hostIsTheGeneralProduct = type === "security_chip" && (p.generalProduct !== null || p.connectivityChip !== null);
    if (hosts.length > 0 && hostFunction && !hostIsTheGeneralProduct) {
      found = firmer(found, { kind: "host", evidence: [...hosts, ...features].map((t) => t.evidence) });
    } else if (features.length > 0 && !anyPrimary && !(type === "cipher_machine" ? anyHostBesideNetwork : anyHost) && !p.generalProduct) {
      // (MACsec or crypto offload on a router or firewall is one feature of network equipment, as VPN is: rule 11.)
      // (A feature of a product named as something general, a printer's IPsec, is not a candidate: rule 11.)
      found = firmer(found, { kind: "feature", evidence: features.map((t) => t.evidence) });
    }
  }
  if (hsCode && entry.hsCodes.length > 0) {
    // A code shorter than ten digits covers far more than the listed line: alone it only
    // counts when there is no description, or the description speaks of cryptography.
    // A description naming a general-purpose product (a microcontroller, a processor) says what the
    // goods are: its code, shared with security chips, does not make it one (rules 11 and 18).
    const namedOtherwise = hasDescription && p.generalProduct !== null && !anyPrimary;
    const codeCounts = !namedOtherwise && (hsCode.length === 10 || !hasDescription || cryptoSignal);
    const codes = codeCounts ? entry.hsCodes.filter((h) => (hsCode.length === 10 ? h.code === hsCode : h.code.startsWith(hsCode))) : [];
    if (codes.length > 0) found = firmer(found, { kind: "hs_code", evidence: codes.map((h) => ({ text: h.code, start: -1, end: -1 })) });
  }
  return found;
}

/**
 * Whether matchEntry can match any entry of the edition at all. Most texts name no product type, no
 * sector and no item kind, and give no HS code an entry lists: for them every entry is skipped here,
 * and the parameters are not gathered into signals. Each way matchEntry matches needs one of these,
 * so the two must change together.
 */
function mayMatchAnEntry(edition: Edition, p: Parameters, hsCode: string | null): boolean {
  return (
    p.types.length > 0 ||
    p.sectors.length > 0 ||
    p.itemKind === "software" ||
    p.itemKind === "technology" ||
    // (a cipher machine read from its rates alone, with no word of its type)
    p.algorithms.some((a) => a.counted) ||
    (hsCode !== null && mayListCode(edition, hsCode))
  );
}

function editionRef(e: Edition): EditionRef {
  return {
    id: e.id,
    titleZh: e.titleZh,
    titleEn: e.titleEn,
    instrumentZh: e.instrumentZh,
    instrumentEn: e.instrumentEn,
    effectiveFrom: e.effectiveFrom,
    effectiveTo: e.effectiveTo,
    licenceZh: e.licenceZh,
    licenceEn: e.licenceEn,
    authorityZh: e.authorityZh,
    authorityEn: e.authorityEn,
  };
}

const entryRef = (e: Entry): EntryRef => ({
  id: e.id,
  nameZh: e.nameZh,
  nameEn: e.nameEn,
  textZh: e.textZh,
  textEn: e.textEn,
  confidence: e.confidence,
  hsCodes: e.hsCodes.map((h) => h.code),
});

/** Protective words that decided the reading say so (reading rule 13). */
function pushProtectiveNote(reasons: Bilingual[], p: Parameters): void {
  if (p.protective.length === 0) return;
  reasons.push({
    en: `${quoted(p.protective)} is read as protection against attack, not as cryptanalysis (reading rule 13).`,
    zh: `${quoted(p.protective)}按产品自身的防护能力理解，不视为密码分析（阅读规则13）。`,
  });
}

/**
 * An unknown check of software or technology, settled from the item it is for (reading rule 14):
 * "specially designed for" passes when that item is listed with the figures given and fails when it
 * is below the thresholds; "not public domain" passes when it is made for a listed item and nothing
 * says it is published. Otherwise the check stays unknown.
 */
function settleForItem(check: Check, item: ItemVerdict | null): Check {
  if (!item?.entry) return check;
  const { id, nameZh, nameEn } = item.entry;
  if (check.criterion === "notPublicDomain" && item.verdict === "licence_required") {
    return settle(check, "pass", `made for ${id} ${nameZh} (${nameEn}); nothing says it is published or open source`, `为${id} ${nameZh}所用；未见公开或开源的说明`);
  }
  if (check.criterion !== "speciallyDesigned") return check;
  if (item.verdict === "licence_required") return settle(check, "pass", `for an item listed with the figures given: ${id} ${nameZh} (${nameEn})`, `用于按所给指标受管控的物项：${id} ${nameZh}`);
  if (item.verdict === "below_threshold") return settle(check, "fail", `for an item below the thresholds: ${id} ${nameZh} (${nameEn})`, `所用于的物项低于管控指标：${id} ${nameZh}`);
  return check;
}

/** A check settled from the item it is for (reading rule 14). */
function settle(check: Check, status: "pass" | "fail", en: string, zh: string): Check {
  return { ...check, status, value: { en: `${en} (reading rule 14)`, zh: `${zh}（阅读规则14）` }, question: null };
}

const USER_EVIDENCE: Evidence = { text: STATED_BY_USER.en, start: -1, end: -1 };
const RATE_ANSWERS: [QuestionId, RateFound["kind"], RateFound["unit"]][] = [
  ["symmetric_gbps", "symmetric", "Gbps"],
  ["vpn_gbps", "encrypted_communication", "Gbps"],
  ["signature_tps", "signature", "tps"],
];

/**
 * Figures the user stated in answer to a question join those read from the text, as figures of one
 * unit, with "stated by the user" as their evidence. Where the text gives a figure for the same
 * measure, the user's answer is the one used, and the reasons say both (pushAnswerNotes).
 */
function withStatedFigures(p: Parameters, answers: Answers | null): Parameters {
  if (!answers) return p;
  let rates = p.rates;
  const replaced: RateFound[] = [];
  for (const [id, kind, unit] of RATE_ANSWERS) {
    const value = answers[id];
    if (typeof value !== "number") continue;
    replaced.push(...rates.filter((r) => r.kind === kind && r.unit === unit && r.value !== value));
    rates = [...rates.filter((r) => !(r.kind === kind && r.unit === unit)), { value, lowerBound: false, unit, kind, labelFrom: "key", scope: "unit", low: null, evidence: USER_EVIDENCE }];
  }
  const objects = answers.managed_objects;
  const managedObjects = typeof objects === "number" ? [{ value: objects, evidence: USER_EVIDENCE }] : p.managedObjects;
  return { ...p, rates, managedObjects, replacedByAnswers: replaced };
}

const CHECK_ANSWER: Partial<Record<string, QuestionId[]>> = {
  productType: ["main_function", "product_type"],
  algorithm: ["algorithm"],
  sectorDedicated: ["sector_dedicated"],
  quantum: ["quantum"],
  cryptanalysis: ["cryptanalysis"],
  speciallyDesigned: ["specially_designed_for"],
  notPublicDomain: ["public_domain"],
};

/** A yes or no the user gave settles the check it answers (an unknown one: what the text settled stays). */
function answered(check: Check, answers: Answers | null): Check {
  if (!answers) return check;
  if (check.parts) {
    const parts = check.parts.map((part) => answered(part, answers));
    const statuses = parts.map((x) => x.status);
    const status = statuses.includes("pass") ? "pass" : statuses.every((x) => x === "fail") ? "fail" : "unknown";
    return { ...check, parts, status, question: status === "unknown" ? check.question : null, questions: status === "unknown" ? check.questions : [] };
  }
  if (check.status !== "unknown") return check;
  const id = (CHECK_ANSWER[check.criterion] ?? []).find((q) => typeof answers[q] === "boolean");
  if (!id) return check;
  const yes = answers[id] === true;
  // "Is it publicly available?" — yes is the exclusion failing.
  const status = check.criterion === "notPublicDomain" ? (yes ? "fail" : "pass") : yes ? "pass" : "fail";
  const said = yes ? { en: "yes", zh: "是" } : { en: "no", zh: "否" };
  return {
    ...check,
    status,
    value: { en: `${said.en} (${STATED_BY_USER.en})`, zh: `${said.zh}（${STATED_BY_USER.zh}）` },
    evidence: [USER_EVIDENCE],
    question: null,
    questions: [],
  };
}

/** What the user answered, and where an answer replaced a figure the text gave. */
function pushAnswerNotes(reasons: Bilingual[], p: Parameters, answers: Answers | null): void {
  if (!answers) return;
  const given = Object.entries(answers).map(([id, v]) => `${id} = ${typeof v === "boolean" ? (v ? "yes" : "no") : v}`);
  if (given.length === 0) return;
  reasons.push({ en: `Answered by the user: ${given.join(", ")}.`, zh: `用户答复：${given.join("，")}。` });
  for (const [id, kind, unit] of RATE_ANSWERS) {
    const value = answers[id];
    if (typeof value !== "number") continue;
    const read = (p.replacedByAnswers ?? []).filter((r) => r.kind === kind && r.unit === unit);
    if (read.length > 0) {
      reasons.push({
        en: `Your answer ${value} ${unit} (${id}) differs from the text's ${quoted(read.map((r) => r.evidence))}: your answer is used.`,
        zh: `您的答复 ${value} ${unit}（${id}）与文本中的${quoted(read.map((r) => r.evidence))}不一致：采用您的答复。`,
      });
    }
  }
}

/** Mass-market: a consumer or retail word decides; a bare consumer product type decides unless enterprise words outweigh it. */
function massMarketSignal(p: Parameters, answers: Answers | null): Evidence[] | null {
  // The user's word decides (reading rule 16 has no official definition to hold against it).
  if (answers?.mass_market === true) return [USER_EVIDENCE];
  if (answers?.mass_market === false) return null;
  if (p.massMarket.strong.length > 0) return p.massMarket.strong;
  if (p.massMarket.weak.length > 0 && businessWords(p).length === 0) return p.massMarket.weak;
  return null;
}

/** Words that say who buys a product other than the public: enterprise words, and the sectors it serves (rule 16). */
function businessWords(p: Parameters): Evidence[] {
  return [...p.enterprise, ...p.sectors.map((s) => s.evidence)];
}

/** A candidate entry with its checks and verdict. */
interface RankedCandidate {
  readonly c: Candidate;
  readonly result: CandidateResult;
  readonly checks: Check[];
}

/** The candidates of an edition read and ranked (the chosen one first), before any reason is written for the chosen one. */
interface CandidateReading {
  readonly results: RankedCandidate[];
  /** Reasons the reading gave on the way (an item for software no entry covers); decide adds its own. */
  readonly reasons: Bilingual[];
  readonly massMarket: Evidence[] | null;
  /** How many candidates the user's answers took out. */
  readonly droppedByAnswer: number;
}

function readCandidates(
  direction: Direction,
  edition: Edition,
  p: Parameters,
  hsCode: string | null,
  hasDescription: boolean,
  asOf: string,
  answers: Answers | null,
): CandidateReading {
  const reasons: Bilingual[] = [];
  const candidates: Candidate[] = [];
  if (!p.noEncryption && mayMatchAnEntry(edition, p, hsCode)) {
    const signals = signalsOf(p);
    edition.entries.forEach((entry, order) => {
      const match = matchEntry(entry, p, signals, hsCode, hasDescription);
      if (!match) return;
      const positions = match.evidence.map((e) => e.start).filter((s) => s >= 0);
      candidates.push({ entry, match, order, position: positions.length > 0 ? Math.min(...positions) : Infinity });
    });
  }

  // Open-source or public-domain software and technology are outside the lists for that reason, not as
  // a consumer product, whatever consumer words the text also holds (reading rule 17: two exclusions, two reasons).
  const publicSoftware = (p.itemKind === "software" || p.itemKind === "technology") && p.publicDomain.length > 0;
  const massMarket = publicSoftware ? null : massMarketSignal(p, answers);
  // Most texts match no entry: with no candidate there is nothing to check, drop or rank.
  if (candidates.length === 0) return { results: [], reasons, massMarket, droppedByAnswer: 0 };
  // Software or technology for a listed item (reading rules 10 and 14): the item it is for is read
  // on its own entry, with the figures given; its verdict settles "specially designed for".
  // Read once, and only when a check needs it.
  let itemOutcome: ItemVerdict | null | undefined;
  const results = candidates.map((c) => {
    const forListedItem = c.match.kind === "software" || c.match.kind === "technology";
    let checks = [productTypeCheck(c.entry, c.match), ...c.entry.criteria.map((cr) => criterionCheck(cr, c.entry, p, c.match))];
    // What the user says comes before what rule 14 infers from silence.
    if (answers) checks = checks.map((check) => answered(check, answers));
    if (forListedItem) {
      checks = checks.map((check) => {
        if (check.status !== "unknown") return check;
        itemOutcome ??= p.itemKind === "software" || p.itemKind === "technology" ? itemVerdict(direction, edition, { ...p, itemKind: "hardware" }, hasDescription, asOf) : null;
        return settleForItem(check, itemOutcome);
      });
    }
    const verdict = candidateVerdict(checks, massMarket !== null);
    const result: CandidateResult = {
      entry: { id: c.entry.id, nameZh: c.entry.nameZh, nameEn: c.entry.nameEn },
      verdict,
      matchedBy: c.match.kind,
      matchedOn: c.match.evidence,
      confidence: c.entry.confidence,
      missing: verdict === "needs_info" ? questionsOf(checks).map((q) => q.en) : [],
    };
    return { c, result, checks };
  });
  // Software or technology for a product no entry of this list covers is not this list's item at all
  // (reading rule 14): it leaves the reading, and the reasons say why.
  const itemOffList =
    itemOutcome?.verdict === "not_listed" ? (p.types.find((t) => t.strength !== "feature" && !edition.entries.some((e) => e.productTypes.includes(t.type)))?.evidence ?? null) : null;
  if (itemOffList) {
    const before = results.length;
    results.splice(0, results.length, ...results.filter((r) => r.c.match.kind !== "software" && r.c.match.kind !== "technology"));
    if (results.length < before) {
      reasons.push({
        en: `The software or technology is for “${itemOffList.text}”, a product no entry of ${edition.id} covers, so it is not specially designed for a listed item (reading rule 14).`,
        zh: `该软件或技术用于“${itemOffList.text}”，而${edition.id}没有任何条目涵盖该产品，因此不属于为清单物项专门设计（阅读规则14）。`,
      });
    }
  }
  // A "no" to "is this its main function / is it this product?" takes the entry out of the reading.
  const kept = results.filter((r) => r.checks[0]?.status !== "fail");
  const droppedByAnswer = results.length - kept.length;
  results.splice(0, results.length, ...kept);
  // Strongest verdict first; among equals the firmest match, then the product named first. A product
  // that exists only for a sector, named as such (纵向加密认证装置, 税控盘), is read on the sector's
  // entry before the generic type its name also carries.
  // The sector product must name the product itself, before any listed type and not as a word inside
  // one: in "税控收款机(含税控IC卡)" the register is the product, the card a part of it; "税控IC卡" is a card.
  // (Only a choice between candidates needs the order: most decisions have one candidate or none.)
  if (results.length > 1) {
    const firstPrimary = p.types.filter((t) => t.strength === "primary").sort((a, b) => a.evidence.start - b.evidence.start)[0];
    const sectorProductNamed = p.sectors.some(
      (s) =>
        s.product &&
        (!firstPrimary ||
          (s.evidence.start <= firstPrimary.evidence.start && (s.evidence.end >= firstPrimary.evidence.end || s.evidence.end <= firstPrimary.evidence.start))),
    );
    results.sort(
      (a, b) =>
        VERDICT_RANK[b.result.verdict] - VERDICT_RANK[a.result.verdict] ||
        matchRank(b.c.match, sectorProductNamed) - matchRank(a.c.match, sectorProductNamed) ||
        a.c.position - b.c.position ||
        a.c.order - b.c.order,
    );
  }
  return { results, reasons, massMarket, droppedByAnswer };
}

/** The verdict and entry decide gives an edition, without the reasons, checks and questions it writes for them. */
interface ItemVerdict {
  readonly verdict: Verdict;
  readonly entry: Pick<Entry, "id" | "nameZh" | "nameEn"> | null;
}

/**
 * The verdict on the item that software or technology is for (reading rule 14): decide's verdict for
 * the hardware reading of the text, read without writing the outcome nobody shows.
 */
function itemVerdict(direction: Direction, edition: Edition, p: Parameters, hasDescription: boolean, asOf: string): ItemVerdict {
  const { results, massMarket } = readCandidates(direction, edition, p, null, hasDescription, asOf, null);
  const chosen = results[0];
  // (As decide has it: public-domain software is outside the entry, so not listed.)
  if (!chosen || (chosen.result.verdict === "exempt" && !massMarket)) return { verdict: "not_listed", entry: null };
  return { verdict: chosen.result.verdict, entry: chosen.c.entry };
}

function decide(
  direction: Direction,
  edition: Edition | null,
  p: Parameters,
  hsCode: string | null,
  hasDescription: boolean,
  asOf: string,
  answers: Answers | null = null,
): Outcome {
  if (!edition) {
    const noEdition: Bilingual = {
      en: `No ${direction} list edition was in force on ${asOf}.`,
      zh: `${asOf}没有生效的${direction === "import" ? "进口许可清单" : "出口管制清单"}。`,
    };
    return outcome("not_listed", null, null, [], [noEdition]);
  }

  // (The reasons the reading gave come first; the ones for its outcome are added to them.)
  const { results, reasons, massMarket, droppedByAnswer } = readCandidates(direction, edition, p, hsCode, hasDescription, asOf, answers);

  const chosen = results[0];
  if (!chosen) {
    if (p.noEncryption) {
      reasons.push({
        en: `The description says the product has no encryption function (${quoted([p.noEncryption])}).`,
        zh: `描述表明产品不具备加密功能（${quoted([p.noEncryption])}）。`,
      });
    }
    pushProtectiveNote(reasons, p);
    if (droppedByAnswer > 0) {
      reasons.push({
        en: "You answered that the product is not what the matching entries describe (its main function is something else).",
        zh: "您已答复：该产品不属于所匹配条目描述的产品（其主要功能为其他）。",
      });
    }
    if (p.itemKind === "publication" && p.itemKindEvidence) {
      reasons.push({
        en: `The text describes a published work (${quoted([p.itemKindEvidence])}): what a paper, patent or tutorial publishes is public-domain technology, outside 5E002 and the import list (reading rules 14 and 17). Equipment, software or unpublished data sent with it are classified on their own.`,
        zh: `描述的是已公开的出版物（${quoted([p.itemKindEvidence])}）：论文、专利、教程公开的内容属公开领域技术，不在5E002及进口清单管控范围内（阅读规则14、17）。随附的设备、软件或未公开资料应单独分类。`,
      });
    }
    if (p.partHead) {
      reasons.push({
        en: `The item is a part or accessory (${quoted([p.partHead])}) of the listed product it names${p.worksWith.length > 0 ? ` (${quoted(p.worksWith)})` : ""}, not that product: a part with no cryptographic function of its own is not on the lists, and the product it fits is classified on its own (reading rule 10).`,
        zh: `该物项是所述清单产品${p.worksWith.length > 0 ? `（${quoted(p.worksWith)}）` : ""}的零部件或配件（${quoted([p.partHead])}），而非该产品本身：本身无密码功能的零部件不在清单内，所配套的产品应单独分类（阅读规则10）。`,
      });
    }
    if (p.generalProduct && !p.types.some((t) => t.strength === "primary")) {
      reasons.push({
        en: `The text names a general-purpose product (${quoted([p.generalProduct])}): its cryptographic functions are features of it, not its main function, so it is not a security chip or cipher device as such (reading rule 11); an HS code shared with listed items is only a reference (rule 18).`,
        zh: `描述的是通用产品（${quoted([p.generalProduct])}）：其密码功能是产品的附带功能而非主要功能，不因此成为安全芯片或密码设备（阅读规则11）；与清单物项相同的HS编码仅供参考（阅读规则18）。`,
      });
    }
    if (p.connectivityChip && !p.types.some((t) => t.strength === "primary")) {
      reasons.push({
        en: `The chip implements a wireless standard (${quoted([p.connectivityChip])}): it is a connectivity chip, whose cryptographic blocks are features of it, not its main function, so it is not a security chip as such (reading rule 11).`,
        zh: `该芯片实现无线通信标准（${quoted([p.connectivityChip])}）：属于通信芯片，其密码模块是附带功能而非主要功能，不因此成为安全芯片（阅读规则11）。`,
      });
    }
    const itemType = p.itemKind === "software" ? "crypto_software" : "crypto_technology";
    if ((p.itemKind === "software" || p.itemKind === "technology") && p.itemKindEvidence && listsType(edition, itemType) && hasCryptoSignal(p) && !mayBeForListedItem(p)) {
      reasons.push({
        en: `The item is ${p.itemKind} (${quoted([p.itemKindEvidence])}) with cryptography, but the text names no listed item it is specially designed for: ${p.itemKind === "software" ? "5D002" : "5E002"} covers only ${p.itemKind} for the items of 5A002, 5A004 or 5B002 (reading rule 14).`,
        zh: `该物项属于${p.itemKind === "software" ? "软件" : "技术"}（${quoted([p.itemKindEvidence])}），具有密码功能，但文本未指明其专门为哪种清单物项设计：${p.itemKind === "software" ? "5D002" : "5E002"}仅涵盖为5A002、5A004、5B002物项专门设计的${p.itemKind === "software" ? "软件" : "技术"}（阅读规则14）。`,
      });
    }
    if ((p.itemKind === "software" || p.itemKind === "technology") && p.itemKindEvidence && !listsType(edition, itemType)) {
      reasons.push({
        en: `The item is ${p.itemKind} (${quoted([p.itemKindEvidence])}), and ${edition.id} lists equipment only: software and technology for a listed item are read on the export list's 5D002 and 5E002 (reading rule 14).`,
        zh: `该物项属于${p.itemKind === "software" ? "软件" : "技术"}（${quoted([p.itemKindEvidence])}），而${edition.id}只列设备：为清单物项所用的软件和技术按出口管制清单5D002、5E002判断（阅读规则14）。`,
      });
    }
    if (p.itemKind === "service" && p.goodsDenied) {
      reasons.push({
        en: `The text says no goods change hands (${quoted([p.goodsDenied])}): what it asks about is a service, and a service moves no item across the border, so the lists do not apply to it as such (reading rule 21). Equipment shipped later is classified on its own.`,
        zh: `文本表明不涉及货物交付（${quoted([p.goodsDenied])}）：所问的是服务，服务本身不涉及物项进出境，清单不直接适用（阅读规则21）。日后运出的设备应单独分类。`,
      });
    } else if (p.itemKind === "service" && p.itemKindEvidence) {
      reasons.push({
        en: `The text describes a service (${quoted([p.itemKindEvidence])}), not goods: a service moves no item across the border, so the lists do not apply to it as such (reading rule 21). Equipment shipped to run it is classified on its own.`,
        zh: `描述的是服务（${quoted([p.itemKindEvidence])}），而非货物：服务本身不涉及物项进出境，清单不直接适用（阅读规则21）。为提供服务而运出的设备应单独分类。`,
      });
    }
    pushWhatItIsNotes(reasons, p, edition);
    reasons.push(
      hasDescription || hsCode
        ? { en: `Nothing in the input matches an entry of ${edition.id}.`, zh: `输入内容与${edition.id}的条目均不匹配。` }
        : { en: "No description or HS code was given.", zh: "未提供描述或HS编码。" },
    );
    addHsNote(reasons, edition, hsCode, false);
    return outcome("not_listed", edition, null, [], reasons);
  }

  const { c, checks } = chosen;
  const verdict = chosen.result.verdict;
  const matchedOn = c.match.kind === "hs_code" ? `HS code ${hsCode}` : quoted(c.match.evidence);
  // Two exclusions, two statements (reading rule 17): mass market, or public domain / open source.
  const words = verdict === "exempt" && !massMarket ? PUBLIC_DOMAIN_WORDS : VERDICT_WORDS[verdict];
  reasons.push({
    en: `${words.en}: ${c.entry.id} ${c.entry.nameZh} (${c.entry.nameEn}), matched on ${matchedOn}.`,
    zh: `${words.zh}：${c.entry.id} ${c.entry.nameZh}，依据${c.match.kind === "hs_code" ? `HS编码${hsCode}` : quoted(c.match.evidence)}。`,
  });
  if (c.entry.criteria.every((cr) => cr.kind !== "cryptanalysis")) pushProtectiveNote(reasons, p);
  if (p.qualifiedHosts.length > 0 && c.entry.productTypes.some((t) => QUALIFIABLE_HOSTS.has(t))) {
    reasons.push({
      en: `${quoted(p.qualifiedHosts)} is read as an encrypting phone or fax: the text names it so or says it encrypts what it transmits, which meets the entry as written (reading rule 15).`,
      zh: `${quoted(p.qualifiedHosts)}按加密电话机或传真机理解：文本如此称呼，或表明其对所传输的信息加密，符合条目原文（阅读规则15）。`,
    });
  }
  pushAnswerNotes(reasons, p, answers);
  const totals = p.rates.filter((r) => r.scope === "aggregate");
  if (totals.length > 0 && c.entry.criteria.some((cr) => cr.kind === "rate" || (cr.kind === "anyOf" && cr.of.some((l) => l.kind === "rate")))) {
    reasons.push({
      en: `${quoted(totals.map((r) => r.evidence))} is the total of several units, not one unit's figure: the unit is read on its own (reading rule 1).`,
      zh: `${quoted(totals.map((r) => r.evidence))}为多台合计，并非单台指标：按单台读取（阅读规则1）。`,
    });
  }
  pushWhatItIsNotes(reasons, p, edition);
  if (c.entry.productTypes.some((t) => TOOL_TYPES.has(t)) && p.toolFor.length > 0) {
    reasons.push({
      en: `The product is named as tooling for ${quoted(p.toolFor)}: those items are what it is for, not what it is (reading rule 10).`,
      zh: `产品名称表明其为${quoted(p.toolFor)}所用的设备：这些物项是其服务对象，而非产品本身（阅读规则10）。`,
    });
  } else if ((c.match.kind === "host" || c.match.kind === "feature") && answers?.main_function === undefined && answers?.product_type === undefined) {
    reasons.push({
      en: `${matchedOn} names equipment that offers cryptography as one feature among others: whether it is the product's main function is a question for you (reading rule 11).`,
      zh: `${quoted(c.match.evidence)}表明设备只是附带密码功能：密码是否为其主要功能需由您确认（阅读规则11）。`,
    });
  }
  if (verdict === "exempt" && massMarket) {
    reasons.push({
      en: `Mass-market consumer product (${quoted(massMarket)}): commercial cryptography in mass-consumer products is outside import licensing and export control (reading rule 16).`,
      zh: `大众消费类产品（${quoted(massMarket)}）：大众消费类产品所采用的商用密码不实行进口许可和出口管制制度（阅读规则16）。`,
    });
  }
  for (const check of checks) {
    if (check.status !== "fail") continue;
    reasons.push(
      check.exclusion
        ? { en: `${check.label.en}: ${check.value?.en} — excluded from the entry.`, zh: `${check.label.zh}：${check.value?.zh}，不属于该条目管控范围。` }
        : {
            en: `${check.label.en}: ${check.value?.en ?? "—"} does not reach ${check.threshold.en}.`,
            zh: `${check.label.zh}：${check.value?.zh ?? "—"}未达到${check.threshold.zh}。`,
          },
    );
  }
  if (verdict === "licence_required") {
    reasons.push({ en: "Every criterion of the entry is met.", zh: "满足该条目的全部指标。" });
  }
  const notes: Bilingual[] = [];
  if (c.entry.confidence !== "CONFIRMED") {
    notes.push({
      en: `The list text behind this entry is ${c.entry.confidence}: ${c.entry.confidenceNote}`,
      zh: `该条目的清单文本可信度为 ${c.entry.confidence}，请以官方文本为准。`,
    });
  }
  addHsNote(notes, edition, hsCode, true);
  // A consumer product word outweighed by enterprise words ("smartphone … for government"): whether it is sold
  // at retail for personal use is the user's to say (reading rule 16).
  const askMassMarket = verdict === "needs_info" && !massMarket && p.massMarket.weak.length > 0 && answers?.mass_market === undefined;
  // (Written only when asked: most texts have no consumer word.)
  const massMarketQuestion: Bilingual | null = askMassMarket
    ? {
        en: `Is it sold to the general public at retail for personal use (${quoted(p.massMarket.weak)} names a consumer product, ${quoted(businessWords(p))} a business or sector buyer; reading rule 16)?`,
        zh: `是否面向公众零售、供个人使用（${quoted(p.massMarket.weak)}为消费类产品，${quoted(businessWords(p))}指向企业或行业用户；阅读规则16）？`,
      }
    : null;
  const missing = verdict === "needs_info" ? [...questionsOf(checks), ...(massMarketQuestion ? [massMarketQuestion] : [])] : [];
  const shown = results.map((r) => (r === chosen && massMarketQuestion ? { ...r.result, missing: [...r.result.missing, massMarketQuestion.en] } : r.result));
  // Public-domain and open-source software is outside the entry altogether, not an exempt consumer
  // product (reading rule 17): it is not listed, and the reasons say which entry it was read on and
  // which exclusion took it out.
  if (verdict === "exempt" && !massMarket) return outcome("not_listed", edition, null, [], reasons, [], [], notes);
  return outcome(verdict, edition, entryRef(c.entry), shown, reasons, checks, missing, notes, massMarketQuestion ? [question("mass_market", massMarketQuestion)] : []);
}

function listsType(edition: Edition, type: ProductTypeId): boolean {
  return edition.entries.some((e) => e.productTypes.includes(type));
}

/** How firm a match is; a sector product named as such ranks just above a product type. */
function matchRank(m: CandidateMatch, sectorProductNamed: boolean): number {
  return m.kind === "sector" && sectorProductNamed ? MATCH_RANK.product_type + 0.5 : MATCH_RANK[m.kind];
}

/** Items the product works with or is for are not what it is (rule 10); a sector's equipment may hold a listed part (rule 12); a phone or fax encrypting only what it stores is a plain one (rule 15). */
function pushWhatItIsNotes(into: Bilingual[], p: Parameters, edition: Edition): void {
  if (p.deniedTypes.length > 0) {
    into.push({
      en: `The spec answers no to ${quoted(p.deniedTypes)}: the product is not read as one, whatever other words of that type it uses (reading rule 19).`,
      zh: `产品说明对${quoted(p.deniedTypes)}答“否”：不按该类产品理解，即使文本中有该类的其他用语（阅读规则19）。`,
    });
  }
  if (p.citedTypes.length > 0) {
    into.push({
      en: `${quoted(p.citedTypes)}, named in a question whether the product is one, cites the list's entry; it does not say what the product is (reading rule 10).`,
      zh: `${quoted(p.citedTypes)}是在询问产品是否属于该类时引用的清单条目名称，并不说明产品是什么（阅读规则10）。`,
    });
  }
  if (p.storedDataOnly.length > 0 && [...QUALIFIABLE_HOSTS].some((t) => listsType(edition, t))) {
    into.push({
      en: `${quoted(p.storedDataOnly)} is not read as an encrypted phone or fax: the encryption the text names protects what it stores, not what it transmits, and I-1/I-2 are for data-transmission encryption (reading rule 15).`,
      zh: `${quoted(p.storedDataOnly)}不按加密电话机或传真机理解：文本所述加密保护的是其存储的数据，而非所传输的信息，而I-1/I-2针对数据传输加密（阅读规则15）。`,
    });
  }
  if (p.attacksAside.length > 0 && listsType(edition, "cryptanalysis")) {
    into.push({
      en: `${quoted(p.attacksAside)} names attacks that the general-purpose product resists or that the text discusses, not what the product is: it is not read as cryptanalysis equipment (reading rules 10 and 13).`,
      zh: `${quoted(p.attacksAside)}是该通用产品所防御或文本所讨论的攻击，而非产品本身：不按密码分析设备理解（阅读规则10、13）。`,
    });
  }
  if (p.chipDesign && p.itemKindEvidence && listsType(edition, "crypto_technology")) {
    into.push({
      en: `${quoted([p.itemKindEvidence])} names the design of a chip: with the cryptography it implements, it may be technology for a security chip (5A002.a), which 5E002 covers (reading rule 14).`,
      zh: `${quoted([p.itemKindEvidence])}是芯片的设计：实现了密码功能的设计可能属于安全芯片（5A002.a）的技术，归5E002管控（阅读规则14）。`,
    });
  }
  if (p.sectorEquipment) {
    into.push({
      en: `${quoted([p.sectorEquipment])} names a sector's own equipment: it is listed only if specially designed as that sector's cryptographic equipment; ${p.listedParts.length > 0 ? quoted(p.listedParts) : "a listed part"} inside it is classified on its own entry (reading rule 12).`,
      zh: `${quoted([p.sectorEquipment])}是行业自身的设备：只有专门设计为该行业的密码设备时才受管控；其中所含${p.listedParts.length > 0 ? quoted(p.listedParts) : "受管控部件"}按其自身条目分类（阅读规则12）。`,
    });
  }
  if (p.worksWith.length === 0) return;
  into.push({
    en: `${quoted(p.worksWith)} names what the product works with or is for, not what it is: the product is what its name ends with (reading rule 10).`,
    zh: `${quoted(p.worksWith)}是产品配合使用或服务的对象，而非产品本身：产品以其名称的中心词为准（阅读规则10）。`,
  });
}

/** Every leading part of every HS code an edition lists, by edition: most codes given are none of them. */
const listedCodePrefixes = new WeakMap<Edition, Set<string>>();
function mayListCode(edition: Edition, hsCode: string): boolean {
  let prefixes = listedCodePrefixes.get(edition);
  if (!prefixes) {
    prefixes = new Set();
    for (const e of edition.entries) for (const h of e.hsCodes) for (let n = 1; n <= h.code.length; n++) prefixes.add(h.code.slice(0, n));
    listedCodePrefixes.set(edition, prefixes);
  }
  return prefixes.has(hsCode);
}

function addHsNote(into: Bilingual[], edition: Edition, hsCode: string | null, matched: boolean): void {
  if (!hsCode || !mayListCode(edition, hsCode)) return;
  const entries = edition.entries.filter((e) =>
    e.hsCodes.some((h) => (hsCode.length === 10 ? h.code === hsCode : h.code.startsWith(hsCode))),
  );
  if (entries.length === 0) return;
  const ids = entries.map((e) => e.id).join(", ");
  into.push(
    matched
      ? {
          en: `HS code ${hsCode} is a reference code of ${ids}; HS codes are only a reference for customs declaration, the description decides.`,
          zh: `HS编码${hsCode}是${ids}的参考编码；海关商品编号仅供通关申报参考，以商品名称和描述为准。`,
        }
      : {
          en: `HS code ${hsCode} covers the reference code of ${ids}, but the description mentions no cryptographic function.`,
          zh: `HS编码${hsCode}涵盖${ids}的参考编码，但描述未提及任何密码功能。`,
        },
  );
}

function questionsOf(checks: Check[]): Bilingual[] {
  // An entry has a few checks: the questions kept so far are compared as they are, which costs less
  // than hashing each question's freshly written text into a set.
  const out: Bilingual[] = [];
  for (const c of checks) {
    const q = c.question;
    if (c.status !== "unknown" || !q || out.some((kept) => kept.en === q.en)) continue;
    out.push(q);
  }
  return out;
}

/** The open questions of the chosen entry's checks as data, one per id. */
function structuredQuestions(checks: Check[]): Question[] {
  const seen = new Map<string, Question>();
  for (const c of checks) if (c.status === "unknown") for (const q of c.questions ?? []) if (!seen.has(q.id)) seen.set(q.id, q);
  return [...seen.values()];
}

function outcome(
  verdict: Verdict,
  edition: Edition | null,
  entry: EntryRef | null,
  candidates: CandidateResult[],
  reasons: Bilingual[],
  checks: Check[] = [],
  missing: Bilingual[] = [],
  notes: Bilingual[] = [],
  extraQuestions: Question[] = [],
): Outcome {
  return {
    verdict,
    edition: edition ? editionRef(edition) : null,
    entry,
    candidates,
    checks,
    missing: missing.map((m) => m.en),
    questions: verdict === "needs_info" ? [...structuredQuestions(checks), ...extraQuestions] : [],
    reasons: reasons.map((r) => r.en),
    notes: notes.map((n) => n.en),
    zh: { missing: missing.map((m) => m.zh), reasons: reasons.map((r) => r.zh), notes: notes.map((n) => n.zh) },
  };
}
