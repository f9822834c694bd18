import type { Criterion, Entry, LeafCriterion, RateMeasure, SectorId } from "./listSchema.ts";
import type { AlgorithmFound, Evidence, Parameters, RateFound } from "./extract.ts";
import type { Bilingual, Check, CheckStatus, MatchKind, Verdict } from "./result.ts";
import { type Question, type QuestionId, STATED_BY_USER, question as ask } from "./questions.ts";

/** Evidence of a figure the user stated, not words of their text. */
const byUser = (e: Evidence) => e.start < 0 && e.text === STATED_BY_USER.en;

const MEASURE_QUESTION: Record<RateMeasure, QuestionId> = {
  symmetric_gbps: "symmetric_gbps",
  encrypted_communication_gbps: "vpn_gbps",
  signature_tps: "signature_tps",
};
/** The structured form of a check's question. */
const asked = (id: QuestionId, q: Bilingual | null) => (q ? [ask(id, q)] : []);

/**
 * Checks each criterion of one candidate entry against the extracted parameters.
 * Every check carries the list's words, the threshold, the value found and the evidence;
 * a criterion the description does not speak to is "unknown", never "fail".
 */

export interface CandidateMatch {
  readonly kind: MatchKind;
  readonly evidence: Evidence[];
}

const SECTOR_NAMES: Record<SectorId, Bilingual> = {
  power: { en: "power", zh: "电力" },
  taxation: { en: "taxation", zh: "税务" },
  public_security: { en: "public security", zh: "公安" },
  finance: { en: "finance", zh: "金融" },
};

const MEASURES: Record<RateMeasure, { label: Bilingual; unit: string; question: Bilingual }> = {
  symmetric_gbps: {
    label: { en: "symmetric encryption/decryption rate", zh: "对称密码算法加解密速率" },
    unit: "Gbps",
    question: {
      en: "What is the symmetric encryption/decryption rate in Gbps?",
      zh: "对称密码算法加解密速率是多少（Gbps）？",
    },
  },
  encrypted_communication_gbps: {
    label: { en: "encrypted communication rate", zh: "加密通信速率" },
    unit: "Gbps",
    question: {
      en: "What is the encrypted communication (VPN) throughput in Gbps?",
      zh: "加密通信速率（VPN 加密吞吐量）是多少（Gbps）？",
    },
  },
  signature_tps: {
    label: { en: "asymmetric signature rate", zh: "非对称密码算法签名速率" },
    unit: "tps",
    question: {
      en: "What is the asymmetric signature rate in signatures per second (tps)?",
      zh: "非对称密码算法签名速率是多少（次/秒）？",
    },
  },
};

const same = (text: string): Bilingual => ({ en: text, zh: text });
const NO_QUESTIONS: readonly Question[] = [];

/**
 * The lists of some items joined, in order, as flatMap joins them: V8 runs flatMap through a slow
 * generic path, and checks join their parts' lists for every candidate.
 */
function flatList<T, U>(items: readonly T[], listOf: (item: T) => readonly U[]): U[] {
  const out: U[] = [];
  for (const item of items) for (const u of listOf(item)) out.push(u);
  return out;
}
const joinValues = (values: (Bilingual | null)[]): Bilingual | null => {
  const present = values.filter((v): v is Bilingual => v !== null);
  return present.length === 0 ? null : { en: present.map((v) => v.en).join("; "), zh: present.map((v) => v.zh).join("；") };
};
const format = (n: number) => (Number.isInteger(n) ? n.toLocaleString("en-US") : String(Math.round(n * 1000) / 1000));
// Formatting for a locale is slow, and the checks format the same few thresholds for every row.
const FORMATTED_LIMIT = 1_000;
const formatted = new Map<number, string>();
function fmt(n: number): string {
  // -0 would share the map's key with 0, but is written "-0".
  if (Object.is(n, -0)) return format(n);
  let text = formatted.get(n);
  if (text === undefined) {
    text = format(n);
    if (formatted.size >= FORMATTED_LIMIT) formatted.clear();
    formatted.set(n, text);
  }
  return text;
}
const combine = (statuses: CheckStatus[]): CheckStatus =>
  statuses.includes("fail") ? "fail" : statuses.includes("unknown") ? "unknown" : "pass";
const anyOf = (statuses: CheckStatus[]): CheckStatus =>
  statuses.includes("pass") ? "pass" : statuses.every((s) => s === "fail") ? "fail" : "unknown";

export function productTypeCheck(entry: Entry, match: CandidateMatch): Check {
  const words = match.evidence.map((e) => e.text);
  const settled = match.kind === "product_type" || match.kind === "sector" || match.kind === "software" || match.kind === "technology";
  // (A settled check asks nothing: its question is not written.)
  const question: Bilingual | null = settled
    ? null
    : entry.mainFunction
      ? {
          en: `Is the product's main function what the entry describes ("${entry.scopeEn}"), rather than one feature among others?`,
          zh: `该产品是否以此为主要功能（“${entry.scopeZh}”），而不只是附带该功能？`,
        }
      : { en: `Is the product "${entry.scopeEn}"?`, zh: `该产品是否属于“${entry.scopeZh}”？` };
  return {
    criterion: "productType",
    label: entry.mainFunction ? { en: "Main function", zh: "主要功能" } : { en: "Product type", zh: "产品类型" },
    threshold: { en: entry.scopeEn, zh: entry.scopeZh },
    value: same(match.kind === "hs_code" ? `HS ${words.join(", ")}` : words.join(", ")),
    status: settled ? "pass" : "unknown",
    evidence: match.kind === "hs_code" ? [] : match.evidence,
    listText: { en: entry.scopeEn, zh: entry.scopeZh },
    question,
    questions: asked(entry.mainFunction ? "main_function" : "product_type", question),
  };
}

export function criterionCheck(c: Criterion, entry: Entry, p: Parameters, match: CandidateMatch): Check {
  if (c.kind === "anyOf") {
    const parts = c.of.map((leaf) => leafCheck(leaf, entry, p, match));
    const status = anyOf(parts.map((x) => x.status));
    return {
      criterion: "anyOf",
      label: { en: "Any one of", zh: "具有下列特征之一" },
      threshold: { en: parts.map((x) => x.threshold.en).join(" OR "), zh: parts.map((x) => x.threshold.zh).join(" 或 ") },
      value: joinValues(parts.map((x) => x.value)),
      status,
      evidence: flatList(parts, (x) => x.evidence),
      listText: { en: c.textEn, zh: c.textZh },
      question: status === "unknown" ? joinQuestions(parts.filter((x) => x.status === "unknown")) : null,
      questions: status === "unknown" ? flatList(parts, (x) => (x.status === "unknown" ? (x.questions ?? NO_QUESTIONS) : NO_QUESTIONS)) : [],
      parts,
    };
  }
  return withQuestions(leafCheck(c, entry, p, match));
}

const CRITERION_QUESTION: Partial<Record<string, QuestionId>> = {
  managedObjects: "managed_objects",
  sectorDedicated: "sector_dedicated",
  quantum: "quantum",
  cryptanalysis: "cryptanalysis",
  speciallyDesigned: "specially_designed_for",
  notPublicDomain: "public_domain",
};

/**
 * A leaf check's question as data; the algorithm question is asked as yes/no against the list's key lengths.
 * The check is fresh from leafCheck, so its questions join it in place (a copy with one more key is slow in V8).
 */
function withQuestions(check: Check): Check {
  if (check.questions || !check.question) return check;
  if (check.criterion === "algorithm") {
    const text = { en: `Does it use a listed algorithm at these key lengths: ${check.threshold.en}?`, zh: `是否采用达到以下密钥长度的密码算法：${check.threshold.zh}？` };
    return Object.assign(check, { questions: [ask("algorithm", text)] });
  }
  const id = CRITERION_QUESTION[check.criterion];
  return id ? Object.assign(check, { questions: asked(id, check.question) }) : check;
}

function joinQuestions(checks: Check[]): Bilingual | null {
  const qs = checks.map((c) => c.question).filter((q): q is Bilingual => q !== null);
  if (qs.length === 0) return null;
  return { en: qs.map((q) => q.en).join(" Or: "), zh: qs.map((q) => q.zh).join(" 或："), };
}

function leafCheck(c: LeafCriterion, entry: Entry, p: Parameters, match: CandidateMatch): Check {
  const listText = { en: c.textEn, zh: c.textZh };
  switch (c.kind) {
    case "algorithm":
      return algorithmCheck(c, p, listText);
    case "rate":
      return rateCheck(c.anyOf, p, match, listText);
    case "managedObjects": {
      const best = maxBy(p.managedObjects, (m) => m.value);
      const status: CheckStatus = best === null ? "unknown" : best.value >= c.min ? "pass" : "fail";
      return {
        criterion: "managedObjects",
        label: { en: "Managed objects", zh: "管理对象数量" },
        threshold: { en: `≥ ${fmt(c.min)} managed objects`, zh: `${fmt(c.min)}以上` },
        value: best === null ? null : byUser(best.evidence) ? { en: `${fmt(best.value)} (${STATED_BY_USER.en})`, zh: `${fmt(best.value)}（${STATED_BY_USER.zh}）` } : same(fmt(best.value)),
        status,
        evidence: best ? [best.evidence] : [],
        listText,
        question:
          status === "unknown"
            ? { en: "How many keys (managed objects) can it manage?", zh: "支持的管理对象（密钥）数量是多少？" }
            : null,
      };
    }
    case "sectorDedicated": {
      const inScope = p.sectors.filter((s) => c.sectors.includes(s.sector));
      const dedicated = inScope.filter((s) => s.dedicated);
      const listed = sectorNames(c.sectors);
      // The sectors the text names, or else those the entry lists, are the ones asked about.
      const named = inScope.length > 0 ? sectorNames(inScope.map((s) => s.sector)) : listed;
      return {
        criterion: "sectorDedicated",
        label: { en: "Dedicated to a sector", zh: "专门用于特定领域" },
        threshold: { en: `specially for the ${listed.en} (etc.) sectors`, zh: `专门用于${listed.zh}等领域` },
        value:
          inScope.length === 0
            ? null
            : {
                en: `${named.en} (${dedicated.length > 0 ? "dedicated" : "mentioned"})`,
                zh: `${named.zh}（${dedicated.length > 0 ? "专用" : "仅提及"}）`,
              },
        status: dedicated.length > 0 ? "pass" : "unknown",
        evidence: flatList(dedicated.length > 0 ? dedicated : inScope, (s) =>
          s.dedicationEvidence ? [s.dedicationEvidence, s.evidence] : [s.evidence],
        ),
        listText,
        question:
          dedicated.length > 0
            ? null
            : {
                en: `Is it specially designed for the ${named.en} sector (with algorithms dedicated to it)?`,
                zh: `是否专门用于${named.zh}领域（含该领域专用的密码算法）？`,
              },
      };
    }
    case "quantum":
    case "cryptanalysis": {
      const type = c.kind === "quantum" ? "quantum_crypto" : "cryptanalysis";
      const found = p.types.filter((t) => t.type === type && t.strength === "primary");
      return {
        criterion: c.kind,
        label: c.kind === "quantum" ? { en: "Quantum cryptography", zh: "量子密码" } : { en: "Cryptanalysis", zh: "密码分析" },
        threshold: { en: c.textEn, zh: c.textZh },
        value: found.length > 0 ? same(found.map((t) => t.evidence.text).join(", ")) : null,
        status: found.length > 0 ? "pass" : "unknown",
        evidence: found.map((t) => t.evidence),
        listText,
        question:
          found.length > 0
            ? null
            : c.kind === "quantum"
              ? { en: "Does it use quantum technology to perform a cryptographic function?", zh: "是否利用量子技术实现密码功能？" }
              : { en: "Is it designed to break, weaken or bypass cryptography?", zh: "是否用于破解、削弱或绕过密码技术？" },
      };
    }
    case "speciallyDesigned": {
      // Test and production equipment named as such is designed for crypto items; software and technology are not known from a name.
      const settled = match.kind === "product_type";
      // (The entries are joined once for the threshold and the question alike.)
      const forEn = c.forEntries.join(", ");
      const forZh = c.forEntries.join("、");
      return {
        criterion: "speciallyDesigned",
        label: { en: "Specially designed for listed items", zh: "为清单所列物项专门设计" },
        threshold: { en: `for items of ${forEn}`, zh: `用于${forZh}` },
        value: settled ? same(match.evidence.map((e) => e.text).join(", ")) : null,
        status: settled ? "pass" : "unknown",
        evidence: settled ? match.evidence : [],
        listText,
        question: settled
          ? null
          : {
              en: `Is it specially designed or modified for the development, production or use of items under ${forEn}?`,
              zh: `是否为研发、生产或使用${forZh}所列物项而专门设计或改进？`,
            },
      };
    }
    case "notPublicDomain": {
      const publicDomain = p.publicDomain;
      return {
        criterion: "notPublicDomain",
        label: { en: "Not public domain or freely retailed", zh: "非公开或零售可得" },
        threshold: { en: "not public-domain, open-source or retail-available", zh: "非公开领域、开源或零售可得" },
        value: publicDomain.length > 0 ? same(publicDomain.map((e) => e.text).join(", ")) : null,
        status: publicDomain.length > 0 ? "fail" : "unknown",
        exclusion: true,
        evidence: publicDomain,
        listText,
        question:
          publicDomain.length > 0
            ? null
            : {
                en: "Is it publicly available (open source, public domain, or sold at retail for the user to install)?",
                zh: "是否公开可得（开源、公开领域，或零售且由用户自行安装）？",
              },
      };
    }
  }
}

function sectorNames(ids: SectorId[]): Bilingual {
  const distinct = [...new Set(ids)];
  return {
    en: distinct.map((s) => SECTOR_NAMES[s].en).join(", "),
    zh: distinct.map((s) => SECTOR_NAMES[s].zh).join("、"),
  };
}

const ALG_THRESHOLD: (c: Extract<LeafCriterion, { kind: "algorithm" }>) => Bilingual = (c) => ({
  en: `symmetric ≥ ${c.symmetricMinBits}-bit, or integer-factorisation (RSA) ≥ ${c.integerFactorisationMinBits}-bit, or elliptic-curve ≥ ${c.ellipticCurveMinBits}-bit`,
  zh: `对称≥${c.symmetricMinBits}位，或基于整数因子分解≥${c.integerFactorisationMinBits}位，或基于椭圆曲线≥${c.ellipticCurveMinBits}位`,
});

function algorithmCheck(c: Extract<LeafCriterion, { kind: "algorithm" }>, p: Parameters, listText: Bilingual): Check {
  const counted = p.algorithms.filter((a) => a.counted);
  const passing = counted.filter((a) => a.keyBits !== null && a.keyBits >= minKeyBits(c, a.family));
  const unknownBits = counted.filter((a) => a.keyBits === null);
  const notCounted = p.algorithms.filter((a) => !a.counted);
  const status: CheckStatus = passing.length > 0 ? "pass" : unknownBits.length > 0 || counted.length === 0 ? "unknown" : "fail";
  const shown = status === "pass" ? passing : counted;
  const value = shown.length > 0 || notCounted.length > 0 ? { en: algorithmsValue(shown, notCounted, "en"), zh: algorithmsValue(shown, notCounted, "zh") } : null;
  let question: Bilingual | null = null;
  if (status === "unknown") {
    question =
      counted.length === 0
        ? { en: "Which encryption algorithms does it use, and with what key lengths?", zh: "采用哪些密码算法？密钥长度是多少？" }
        : {
            en: `What key length does it use for ${unknownBits.map((a) => a.name).join(", ")}?`,
            zh: `${unknownBits.map((a) => a.name).join("、")}的密钥长度是多少？`,
          };
  }
  return {
    criterion: "algorithm",
    label: { en: "Algorithm and key length", zh: "密码算法与密钥长度" },
    threshold: ALG_THRESHOLD(c),
    value,
    status,
    evidence: shown.map((a) => a.evidence),
    listText,
    question,
  };
}

function minKeyBits(c: Extract<LeafCriterion, { kind: "algorithm" }>, family: string): number {
  return family === "symmetric" ? c.symmetricMinBits : family === "integer_factorisation" ? c.integerFactorisationMinBits : c.ellipticCurveMinBits;
}

/** The algorithms shown, then those the key-length test does not count. */
function algorithmsValue(shown: AlgorithmFound[], notCounted: AlgorithmFound[], lang: "en" | "zh"): string {
  return [
    shown.length > 0 ? describeAlgorithms(shown, lang) : null,
    notCounted.length > 0 ? `${lang === "en" ? "not counted: " : "不计入："}${describeAlgorithms(notCounted, lang)}` : null,
  ]
    .filter((v) => v !== null)
    .join("; ");
}

function describeAlgorithms(list: AlgorithmFound[], lang: "en" | "zh"): string {
  return list
    .map((a) =>
      a.keyBits === null
        ? a.name
        : a.keyBitsFrom === "stated"
          ? `${a.name} (${a.keyBits}${lang === "en" ? "-bit" : "位"})`
          : `${a.name} (${a.keyBits}${lang === "en" ? "-bit by definition" : "位，算法固有"})`,
    )
    .join(", ");
}

/** Which of the found rates measure what this criterion asks for. */
function ratesFor(measure: RateMeasure, p: Parameters, match: CandidateMatch): RateFound[] {
  // A rate with no label counts only where the product is itself the listed device: the
  // speed of a cipher card is its cipher speed, the speed of a firewall is not.
  const ownRate = match.kind === "product_type";
  const rates = p.rates.filter((r) => {
    if (measure === "signature_tps") return r.unit === "tps" && r.kind === "signature";
    if (r.unit !== "Gbps") return false;
    if (r.kind === "unqualified") return ownRate;
    if (measure === "symmetric_gbps") return r.kind === "symmetric";
    return r.kind === "encrypted_communication" || r.kind === "symmetric";
  });
  // Figures are per unit (reading rule 1): a cluster's total gives way to one unit's figure, and
  // alone it says nothing of one unit.
  return rates.some((r) => r.scope !== "aggregate") ? rates.filter((r) => r.scope !== "aggregate") : [];
}

type RateMeasures = { measure: RateMeasure; min: number }[];

/** A rate criterion's label and threshold depend on the list alone: they are written once per criterion. */
const rateWordsMade = new WeakMap<RateMeasures, { label: Bilingual; threshold: Bilingual }>();
function rateWords(measures: RateMeasures): { label: Bilingual; threshold: Bilingual } {
  let words = rateWordsMade.get(measures);
  if (!words) {
    const units = measures.map(({ measure, min }) => ({ min, m: MEASURES[measure] }));
    words = {
      label: { en: units.map((x) => x.m.label.en).join(" or "), zh: units.map((x) => x.m.label.zh).join("或") },
      threshold: {
        en: units.map((x) => `≥ ${fmt(x.min)} ${x.m.unit}`).join(" or "),
        zh: units.map((x) => `${fmt(x.min)} ${x.m.unit}以上`).join("或"),
      },
    };
    rateWordsMade.set(measures, words);
  }
  return words;
}

function rateCheck(
  measures: RateMeasures,
  p: Parameters,
  match: CandidateMatch,
  listText: Bilingual,
): Check {
  const parts = measures.map(({ measure, min }) => {
    const m = MEASURES[measure];
    const best = maxBy(ratesFor(measure, p, match), (r) => r.value);
    // A minimum below the threshold says the product has at least that much, not that it has less
    // than the threshold (reading rule 6): the figure is unknown, never a reason to clear the item.
    // A family's range with no model fixed (reading rule 5): every model passes, none does, or which model is the question.
    const spans = best !== null && best.low !== null && best.low < min && best.value >= min;
    const status: CheckStatus =
      best === null || spans ? "unknown" : best.value >= min ? "pass" : best.lowerBound ? "unknown" : "fail";
    return { measure, min, m, best, status, spans };
  });
  const status = anyOf(parts.map((x) => x.status));
  const unknown = parts.filter((x) => x.status === "unknown");
  const { label, threshold } = rateWords(measures);
  return {
    criterion: "rate",
    // (Copies: each check is the caller's own.)
    label: { ...label },
    threshold: { ...threshold },
    value: joinValues(
      parts.map((x) =>
        x.best === null
          ? null
          : x.best.lowerBound
            ? {
                en: `at least ${fmt(x.best.value)} ${x.m.unit} (${x.m.label.en}; a stated minimum, reading rule 6)`,
                zh: `不低于${fmt(x.best.value)} ${x.m.unit}（${x.m.label.zh}；所述为下限，阅读规则6）`,
              }
            : x.best.low !== null
              ? {
                  en: `${fmt(x.best.low)}–${fmt(x.best.value)} ${x.m.unit} by model (${x.m.label.en}; reading rule 5)`,
                  zh: `${fmt(x.best.low)}–${fmt(x.best.value)} ${x.m.unit}，视型号而定（${x.m.label.zh}；阅读规则5）`,
                }
              : {
                  en: `${fmt(x.best.value)} ${x.m.unit} (${x.m.label.en}${byUser(x.best.evidence) ? `, ${STATED_BY_USER.en}` : ""})`,
                  zh: `${fmt(x.best.value)} ${x.m.unit}（${x.m.label.zh}${byUser(x.best.evidence) ? `，${STATED_BY_USER.zh}` : ""}）`,
                },
      ),
    ),
    status,
    evidence: flatList(parts, (x) => (x.best ? [x.best.evidence] : [])),
    listText,
    questions:
      status === "unknown"
        ? unknown.map((x) =>
            ask(MEASURE_QUESTION[x.measure], x.spans ? { en: `What is the ${x.m.label.en} of this model, in ${x.m.unit}? The family runs from below to above ${fmt(x.min)} ${x.m.unit} (reading rule 5).`, zh: `该型号的${x.m.label.zh}是多少（${x.m.unit}）？该系列跨越${fmt(x.min)} ${x.m.unit}（阅读规则5）。` } : x.m.question),
          )
        : [],
    question:
      status === "unknown" && unknown.length > 0
        ? {
            en: unknown.map((x) => (x.spans ? `Which model is it? The family's ${x.m.label.en} runs from below to above ${fmt(x.min)} ${x.m.unit} (reading rule 5).` : x.m.question.en)).join(" Or: "),
            zh: unknown.map((x) => (x.spans ? `具体是哪个型号？该系列的${x.m.label.zh}跨越${fmt(x.min)} ${x.m.unit}（阅读规则5）。` : x.m.question.zh)).join(" 或："),
          }
        : null,
  };
}

function maxBy<T>(items: readonly T[], key: (t: T) => number): T | null {
  let best: T | null = null;
  for (const item of items) if (best === null || key(item) > key(best)) best = item;
  return best;
}

/**
 * One candidate's verdict: a mass-market product or an excluded item is exempt; then any
 * failing criterion puts it below the threshold (even while others are unknown); then any
 * unknown criterion means more information is needed; only all-pass requires a licence.
 */
export function candidateVerdict(checks: Check[], massMarket: boolean): Verdict {
  if (massMarket) return "exempt";
  if (checks.some((c) => c.status === "fail" && c.exclusion)) return "exempt";
  const status = combine(checks.map((c) => c.status));
  return status === "fail" ? "below_threshold" : status === "unknown" ? "needs_info" : "licence_required";
}
