import type { ProductTypeId, SectorId } from "./listSchema.ts";
import type { AlgorithmFamily, AlgorithmSpec, Vocabulary } from "./vocabularySchema.ts";
import { Lexicon, type TermHit, spellingVariants } from "./lexicon.ts";
import { type NormalisedText, originalSpan } from "./normalise.ts";
import { parseQuantity, QUANTITY } from "./numbers.ts";
import { MAX_EVIDENCE_PER_FINDING, MAX_FINDINGS } from "./limits.ts";
import { traceOf } from "./trace.ts";

/** Words of the user's input that a finding came from (offsets into the original description). */
export interface Evidence {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export type TypeStrength = "primary" | "host" | "feature";
export type RateKind = "symmetric" | "encrypted_communication" | "signature" | "not_encryption" | "unqualified";

export interface AlgorithmFound {
  readonly name: string;
  readonly family: AlgorithmFamily;
  /** Largest key length stated or implied; null when the text does not tell. */
  readonly keyBits: number | null;
  /** "stated" when the text gives the length, "algorithm" when the algorithm fixes it (SM4 is 128-bit). */
  readonly keyBitsFrom: "stated" | "algorithm" | null;
  /** Whether the lists' 64/768/128-bit test looks at this algorithm (hashes, MACs, DH, DSA and PQC it does not). */
  readonly counted: boolean;
  readonly evidence: Evidence;
}

export interface RateFound {
  /** Gbps for data rates, operations per second for tps. */
  readonly value: number;
  /** A requirement's minimum ("不低于3 Gbps", "≥ 2万次/秒", "at least"): the product has at least this (reading rule 6). */
  readonly lowerBound: boolean;
  readonly unit: "Gbps" | "tps";
  readonly kind: RateKind;
  /** How the figure was tied to what it measures: the key of its field, the nearest label of its clause, or nothing. */
  readonly labelFrom: LabelFrom;
  /** One unit's figure, a cluster's total (reading rule 1), or not said. */
  readonly scope: "unit" | "aggregate" | null;
  /** A family's range ("2–20 Gbps depending on model"): the lowest model's figure; `value` is the highest (reading rule 5). */
  readonly low: number | null;
  readonly evidence: Evidence;
}

export type LabelFrom = "key" | "clause" | "none";
/** The shape of the text, read first: it tells which separators end a field (reading rules 19 and 20). */
export type TextShape = "declaration_elements" | "table" | "lines" | "prose";

export interface TypeFound {
  readonly type: ProductTypeId;
  readonly strength: TypeStrength;
  readonly evidence: Evidence;
}

export interface SectorFound {
  readonly sector: SectorId;
  /** True when the text says the product is specially for the sector. */
  readonly dedicated: boolean;
  /** True when the word names a product that exists only for the sector ("税控盘", "PIN pad"), crypto and all. */
  readonly product: boolean;
  readonly evidence: Evidence;
  readonly dedicationEvidence: Evidence | null;
}

export interface Parameters {
  readonly algorithms: AlgorithmFound[];
  readonly rates: RateFound[];
  readonly managedObjects: { value: number; evidence: Evidence }[];
  readonly types: TypeFound[];
  readonly sectors: SectorFound[];
  readonly cryptoFunction: Evidence[];
  readonly massMarket: { strong: Evidence[]; weak: Evidence[] };
  readonly enterprise: Evidence[];
  /** Crypto words the text negates ("no encryption", "不支持加密"). */
  readonly negated: Evidence[];
  /** Set when the text says the product has no encryption at all and names nothing that has. */
  readonly noEncryption: Evidence | null;
  /** What the item is, judged by which kind of word comes first; a service is not goods (reading rule 21). */
  readonly itemKind: "hardware" | "software" | "technology" | "service" | "publication";
  readonly itemKindEvidence: Evidence | null;
  /** Whether the word that says what the item is stands in the product's name (not only elsewhere in the text). */
  readonly itemKindNamed: boolean;
  /** Where the text says no goods change hands ("no equipment is sold"): what it asks about is a service (rule 21). */
  readonly goodsDenied: Evidence | null;
  /** The item is named as a chip's design (an IP core, RTL, a netlist): technology for a chip (rule 14). */
  readonly chipDesign: boolean;
  readonly publicDomain: Evidence[];
  /** Analytic words a protective cue turns into a defence (reading rule 13): not cryptanalysis. */
  readonly protective: Evidence[];
  readonly shape: TextShape;
  /** Listed items a test or production tool named as its head is for (reading rule 10). */
  readonly toolFor: Evidence[];
  /**
   * Other listed items that are what the product works with or is for, not what it is (rule 10): named
   * only outside a name that has a listed head, or before the head of a compound ("HSM" in "HSM chip").
   */
  readonly worksWith: Evidence[];
  /** The product type the naming phrase ends with (its head), if it names one. */
  readonly headType: ProductTypeId | null;
  /**
   * A general-purpose product named by the naming phrase, with no listed product type there
   * ("微控制器", "Bluetooth LE SoC"): its crypto is a feature, not its main function (rule 11).
   */
  readonly generalProduct: Evidence | null;
  /**
   * The wireless standard a chip named only as a chip implements ("ESP32-C3 芯片 … WiFi + 蓝牙5"): a
   * connectivity chip, whose crypto blocks are features, not a security chip (rule 11).
   */
  readonly connectivityChip: Evidence | null;
  /** A part or accessory heading the name ("风扇模块", "transceivers"): the listed products named are what it fits (rule 10). */
  readonly partHead: Evidence | null;
  /**
   * A sector's own equipment heading the product's name ("智能电表", "payment terminal"): equipment that
   * may contain a listed part (reading rule 12), not cryptographic equipment by its name.
   */
  readonly sectorEquipment: Evidence | null;
  /**
   * Phone or fax words read as an encrypted phone or fax (reading rule 15): an encryption word names
   * them ("加密IP电话机"), or the text says they encrypt what they transmit ("AES encryption of voice").
   */
  readonly qualifiedHosts: Evidence[];
  /** Listed types the spec answers no to ("是否为安全芯片:否"): the product is none of them (reading rule 19). */
  readonly deniedTypes: Evidence[];
  /** Listed types' names cited in a question whether the product is one ("这算“加密电话机”", "会不会算高速加密设备"): the list, not the product (rule 10). */
  readonly citedTypes: Evidence[];
  /**
   * Phone or fax words left plain because the encryption the text names protects what the device stores
   * ("encryption of stored data", "写入 SSD 前自动加密"), not what it transmits (reading rule 15).
   */
  readonly storedDataOnly: Evidence[];
  /**
   * Attacks named outside the name of a general-purpose product (an SoC's DPA countermeasures, a course on
   * microcontrollers and glitching): what it resists or discusses, not cryptanalysis equipment (rules 10, 13).
   */
  readonly attacksAside: Evidence[];
  /** Listed items named beside that equipment (an electricity meter's ESAM): parts of it, classified on their own (rule 12). */
  readonly listedParts: Evidence[];
  /** Figures of the text that a figure the user stated for the same measure replaced. */
  readonly replacedByAnswers?: RateFound[];
}

/** One step of the reading and what it found, for a user who wants to see why (`?trace=1`, `--trace`). */
export interface TraceStep {
  readonly step: string;
  /** The reading rule the step applies, if any. */
  readonly rules: string | null;
  readonly found: string[];
}

type Tag =
  | { k: "type"; type: ProductTypeId; strength: TypeStrength }
  | { k: "crypto" }
  | { k: "algorithm"; spec: AlgorithmSpec }
  | { k: "curve"; bits: number }
  /** `product`: exists only for the sector (税控盘); `equipment`: the sector's own equipment (an electricity meter). */
  | { k: "sector"; sector: SectorId; product: boolean; equipment: boolean }
  | { k: "dedication" }
  | { k: "massStrong" }
  | { k: "massWeak" }
  | { k: "enterprise" }
  | { k: "negation" }
  | { k: "notNegation" }
  | { k: "exclusion" }
  | { k: "software" }
  | { k: "hardware" }
  | { k: "technology" }
  | { k: "chipDesign" }
  | { k: "designCore" }
  | { k: "publicDomain" }
  | { k: "service" }
  | { k: "part" }
  | { k: "publication" }
  | { k: "general" }
  | { k: "connectivity" }
  | { k: "rateLabel"; kind: Exclude<RateKind, "unqualified"> }
  | { k: "managedObjects" };

type Hit = TermHit<Tag>;

/**
 * "电能表用安全模块", "POS机用密码键盘": a noun, then 用 and the rest of the name, is what the named item is
 * for; the item is the word the name ends with (reading rule 10). ("用于", "用途", "用户" say something else.)
 */
const FOR_THE_NEXT_WORD = /^用(?![于途户来作以])/;
const CLAUSE_BREAK = /[,;，；。、!?！？\n()（）:：|]/;
const BRACKETED_ASIDE = /[(（][^()（）]{0,10}[)）]/g;
/** The end of a field or a sentence; a bracket or a comma inside a name does not end it. */
const FIELD_BREAK = /[;；。!?！？\n|]/;
const SENTENCE_BREAK = /[;；。!?！？\n]/;
const KEY_END = /[:：]/;
const BRACKET_OPEN = /[(（]/;
/** Separators of pasted tables: a figure that opens the cell after one belongs to the label before it. */
const CELL_END = /[|\n]/;
const CELL_OPENING = /^\s*(?:up to|最高|最大|≥|>=)?\s*$/;
const PAIR_BEFORE = /\d+(?:\.\d+)?\s*(?:万|[kKwW])?\s*(?:\/|–|—|-|~|～|至|到|to)\s*$/;
/** The low end of a range written before a figure: "2–20 Gbps", "2万-6万次/秒", "1 to 4 Gbps" (not the "8/" of an encrypt/decrypt pair). */
const RANGE_BEFORE = /(\d+(?:\.\d+)?)\s*(万|[kKwW])?\s*(?:–|—|-|~|～|至|到|to)\s*$/;
const KEY_BITS_MIN = 40;
const KEY_BITS_MAX = 16384;

export function buildLexicon(vocab: Vocabulary): Lexicon<Tag> {
  const lex = new Lexicon<Tag>();
  // One list may spell a compound two ways ("power grid", "power-grid"): each spelling is added once.
  const addAll = (terms: readonly string[], tag: Tag) => new Set(terms.flatMap(spellingVariants)).forEach((v) => lex.add(v, tag));
  for (const pt of vocab.productTypes) {
    addAll(pt.primary, { k: "type", type: pt.type, strength: "primary" });
    addAll(pt.hosts, { k: "type", type: pt.type, strength: "host" });
    addAll(pt.features, { k: "type", type: pt.type, strength: "feature" });
    if (pt.compoundHosts) addAll(compounds(pt.compoundHosts.modifiers, pt.compoundHosts.heads), { k: "type", type: pt.type, strength: "host" });
    if (pt.compoundPrimaries) addAll(compounds(pt.compoundPrimaries.modifiers, pt.compoundPrimaries.heads), { k: "type", type: pt.type, strength: "primary" });
  }
  addAll(vocab.cryptoFunction, { k: "crypto" });
  for (const spec of vocab.algorithms) addAll(spec.aliases, { k: "algorithm", spec });
  for (const c of vocab.namedCurves) addAll(c.aliases, { k: "curve", bits: c.bits });
  for (const s of vocab.sectors) {
    addAll(s.terms, { k: "sector", sector: s.sector, product: false, equipment: false });
    addAll(s.equipment, { k: "sector", sector: s.sector, product: false, equipment: true });
    addAll(s.products, { k: "sector", sector: s.sector, product: true, equipment: false });
    // A sector's chip card is a security chip named for the sector: the type's word and a dedication at once.
    addAll(s.chips, { k: "sector", sector: s.sector, product: false, equipment: false });
    addAll(s.chips, { k: "type", type: "security_chip", strength: "primary" });
  }
  addAll(vocab.dedication, { k: "dedication" });
  addAll(vocab.massMarket.strong, { k: "massStrong" });
  addAll(vocab.massMarket.weak, { k: "massWeak" });
  addAll(vocab.enterprise, { k: "enterprise" });
  addAll(vocab.negationCues, { k: "negation" });
  addAll(vocab.notNegations, { k: "notNegation" });
  addAll(vocab.exclusions, { k: "exclusion" });
  addAll(vocab.software, { k: "software" });
  addAll(vocab.hardware, { k: "hardware" });
  addAll(vocab.technology, { k: "technology" });
  addAll(vocab.chipDesigns, { k: "chipDesign" });
  addAll(vocab.designCores, { k: "designCore" });
  addAll(vocab.publicDomain, { k: "publicDomain" });
  addAll(vocab.services, { k: "service" });
  addAll(vocab.publications, { k: "publication" });
  addAll(vocab.generalProducts, { k: "general" });
  addAll(vocab.connectivityStandards, { k: "connectivity" });
  addAll(vocab.parts, { k: "part" });
  addAll(vocab.rateLabels.symmetric, { k: "rateLabel", kind: "symmetric" });
  addAll(vocab.rateLabels.encryptedCommunication, { k: "rateLabel", kind: "encrypted_communication" });
  addAll(vocab.rateLabels.signature, { k: "rateLabel", kind: "signature" });
  addAll(vocab.rateLabels.notEncryption, { k: "rateLabel", kind: "not_encryption" });
  addAll(vocab.managedObjects, { k: "managedObjects" });
  return lex;
}

/** Every modifier joined to every head: with a space between Latin words ("test solution"), none in Chinese ("测试平台"). */
function compounds(modifiers: readonly string[], heads: readonly string[]): string[] {
  const latin = /[a-z]$/i;
  return modifiers.flatMap((m) => heads.filter((h) => latin.test(m) === /^[a-z]/i.test(h)).map((h) => (latin.test(m) ? `${m} ${h}` : `${m}${h}`)));
}

export function evidenceOf(norm: NormalisedText, start: number, end: number): Evidence {
  const span = originalSpan(norm, start, end);
  return { text: norm.source.slice(span.start, span.end), start: span.start, end: span.end };
}

const isCounted = (family: AlgorithmFamily) =>
  family === "symmetric" || family === "integer_factorisation" || family === "elliptic_curve";

/** Parameters of a normalised description, each with the words it came from. */
/** Cue words read in a small window around a finding, not matched as terms. */
export type ReadingCues = Pick<Vocabulary, "thresholdWords" | "versionKeys" | "siliconCues" | "goodsDenials" | "onlyShipped" | "requestWords" | "citationCues" | "qualifiedFeatures" | "protectiveCues" | "lowerBounds" | "objectCues" | "qualifierCues" | "transmissionCues" | "storageCues" | "applicationKeys" | "negativeAnswers" | "unitScope">;

/** One alternation of cue words: Latin words stand alone ("for" is not in "form") and take a plural s, "x*" is a stem, Chinese cues are plain. */
function cueAlternation(cues: readonly string[]): string {
  if (cues.length === 0) return "(?!)";
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return cues
    .map((c) => {
      const stem = c.endsWith("*");
      const body = escape(c.replace(/\*$/, "").toLowerCase());
      if (!/^[a-z0-9]/.test(body)) return body;
      // (A plural is the same cue: "countermeasures", "calls".)
      return `\\b${body}${stem ? "\\w*" : "s?(?![a-z])"}`;
    })
    .join("|");
}

interface CompiledCues {
  /** A product named after one of these in its clause is an object of the product (reading rule 10). */
  readonly objectBefore: RegExp;
  /** An encryption word close before a phone or fax word, with only Latin words between ("加密IP电话机", not "加密U盘手机App"). */
  readonly qualifierBefore: RegExp;
  /** "… with [words] encryption" after a phone or fax word, in its clause. */
  readonly qualifierAfter: RegExp;
  /** What a phone or fax transmits, read in an encryption word's clause (reading rule 15). */
  readonly transmission: RegExp;
  /** What a device stores ("stored data", "硬盘"), read in an encryption word's clause (reading rule 15). */
  readonly storage: RegExp;
  readonly negativeAnswer: RegExp;
  /** The key of a field listing what the item goes into ("Applications:", "适用："), up to its colon. */
  readonly applicationKey: RegExp;
  readonly aggregate: RegExp;
  readonly perUnit: RegExp;
  /** Feature words that need a crypto word before them in their clause, and that crypto word. */
  readonly qualifiedFeatures: ReadonlySet<string>;
  /** A question whether the product is a listed type, ending in an opening quote: "这是不是“", "count as a "". */
  readonly citationBefore: RegExp;
  /** The same question's cue a few words before a listed type's name, unquoted ("算不算加密电话机", "会不会算高速加密设备"). */
  readonly citationRightBefore: RegExp;
  /** Words that ask about a product rather than name one ("quote", "request"), ending a clause's words before "for". */
  readonly requestBefore: RegExp;
  /** After a figure, what makes it the list's threshold quoted rather than the product's figure (" line", "的门槛"). */
  readonly thresholdAfter: RegExp;
  /** After a software word, what makes it a field's key about the product's firmware (" version:", "版本："). */
  readonly versionKeyAfter: RegExp;
  /** A chip's process node ("5 nm", "28nm"), and a crypto block said to be built into a chip ("integrated in the SoC"). */
  readonly processNode: RegExp;
  readonly embeddedInChip: RegExp;
  /** A negation, a verb of selling, buying or carrying and a word for goods in one clause, either order of the last two. */
  readonly goodsDenial: RegExp;
  readonly goodsWords: readonly string[];
  readonly onlyShipped: RegExp;
  readonly featureQualifierBefore: RegExp;
}
const compiled = new WeakMap<ReadingCues, CompiledCues>();
function compileCues(cues: ReadingCues): CompiledCues {
  let c = compiled.get(cues);
  if (!c) {
    c = {
      objectBefore: new RegExp(`(?:${cueAlternation(cues.objectCues)})[^,;，；。\\n]{0,24}$`),
      qualifierBefore: new RegExp(`(?:${cueAlternation(cues.qualifierCues)})[^,;，；。\\n\\u4e00-\\u9fff]{0,14}$`),
      qualifierAfter: new RegExp(`^[^,;，；。|\\n]{0,24}?\\b(?:with|supporting|configured with)\\b[^,;，；。|\\n]{0,40}?(?:${cueAlternation(cues.qualifierCues)})`),
      // Spelt every way a term is ("end-to-end", "end to end"), as the lexicon reads its terms.
      transmission: new RegExp(cueAlternation(cues.transmissionCues.flatMap(spellingVariants))),
      storage: new RegExp(cueAlternation(cues.storageCues.flatMap(spellingVariants))),
      applicationKey: new RegExp(`(?:^|[|\\n])\\s*(?:${cueAlternation(cues.applicationKeys)})\\s*[:：][^|\\n]*$`),
      aggregate: new RegExp(cueAlternation(cues.unitScope.aggregate)),
      perUnit: new RegExp(cueAlternation(cues.unitScope.perUnit)),
      processNode: new RegExp(`(?<![\\d.])(?:${cues.siliconCues.processNodes.join("|")})\\s?nm\\b`),
      embeddedInChip: new RegExp(`^[^,;，；。|\\n]{0,16}?(?:${cueAlternation(cues.siliconCues.embedding)})\\s*(?:the\\s+|an?\\s+)?(?:${cueAlternation(cues.siliconCues.chips)})`),
      goodsDenial: goodsDenialPattern(cues.goodsDenials),
      goodsWords: cues.goodsDenials.goods.map((w) => w.toLowerCase()),
      onlyShipped: new RegExp(cueAlternation(cues.onlyShipped)),
      requestBefore: new RegExp(`(?:${cueAlternation(cues.requestWords)})\\s*$`),
      // (Not a line rate: "10 Gbps line rate" is the product's.)
      thresholdAfter: new RegExp(`^\\s*(?:的|of\\s+the\\s+)?(?:${cueAlternation(cues.thresholdWords)})(?![-\\s]?(?:rate|speed))`),
      versionKeyAfter: new RegExp(`^\\s*(?:${cueAlternation(cues.versionKeys)})\\.?\\s*[:：|]`),
      // (A few words may come between, and other quoted names: "是不是要按“量子密码设备”或“密码分析设备”".)
      citationBefore: new RegExp(`(?:${cueAlternation(cues.citationCues)})[^,;，；。:：|\\n]{0,6}(?:[“"「‘'][^“”"「」‘’'\\n]{1,12}[”"」’']\\s*(?:或|和|、|/|or|and)\\s*)*[“"「‘']$`),
      citationRightBefore: new RegExp(`(?:${cueAlternation(cues.citationCues)})[^,;，；。:：|\\n“”"「」]{0,6}$`),
      qualifiedFeatures: new Set(cues.qualifiedFeatures.terms.map((t) => t.toLowerCase())),
      featureQualifierBefore: new RegExp(`(?:${cueAlternation(cues.qualifiedFeatures.qualifiers)})[^,;，；。|\\n]{0,30}$`),
      // (A field's answer is its own: "终端|型号:无" does not negate the 终端.)
      negativeAnswer: new RegExp(`^[^,;，；。\\n:：|]{0,6}[:：]\\s*(?:${cueAlternation(cues.negativeAnswers)})`),
    };
    compiled.set(cues, c);
  }
  return c;
}

/**
 * "不采购、不运输任何设备", "不向我方销售注入设备": the negation a few characters before the verb, the goods
 * later in the clause; "no equipment is sold", "no hardware to buy": the goods right after it, the verb later.
 * (A Chinese negation opens many words that deny nothing, "不同", "不少于": those are read as not negations.)
 */
function goodsDenialPattern(d: ReadingCues["goodsDenials"]): RegExp {
  const [neg, verb, goods] = [cueAlternation(d.negations), cueAlternation(d.verbs), cueAlternation(d.goods)];
  const clause = "[^,;，；。.!?|\\n]";
  return new RegExp(`(?:${neg})${clause}{0,6}?(?:${verb})${clause}{0,14}?(?:${goods})|(?:${neg})\\s*(?:any\\s+|任何)?(?:${goods})${clause}{0,14}?(?:${verb})`, "g");
}

/** A product acronym glued to the brand before it, as brands write their product names: YubiHSM, IxVPN. */
const BRAND_ACRONYM = /(?<=[a-z])[A-Z]{3,}(?![A-Za-z])/g;
/**
 * What every brand acronym stands in. Most texts have none, and this pattern, which does not open with
 * a look-behind, rules a text out several times faster than BRAND_ACRONYM scans it.
 */
const MAY_HOLD_BRAND_ACRONYM = /[a-z][A-Z]{3}/;

/**
 * Product-type words written as the tail of a brand name ("YubiHSM 2" is an HSM), which the scan does
 * not see because a term must not be glued to a letter before it. Only a whole capitalised acronym
 * that is itself a product-type term counts, so "EdDSA" or "FreeBSD" name nothing here.
 */
function brandCompoundTypes(norm: NormalisedText, lexicon: Lexicon<Tag>): Hit[] {
  const found: Hit[] = [];
  if (!MAY_HOLD_BRAND_ACRONYM.test(norm.text)) return found;
  for (const m of allMatches(BRAND_ACRONYM, norm.text)) {
    const acronym = m[0].toLowerCase();
    for (const h of lexicon.findAll(acronym, m[0])) {
      if (h.start === 0 && h.end === acronym.length && h.tag.k === "type") found.push({ start: m.index + h.start, end: m.index + h.end, tag: h.tag });
    }
  }
  return found;
}

/** What the steps set aside on the way, for the trace only. */
export interface SetAside {
  readonly namingPhrase: Evidence | null;
  readonly masked: Evidence[];
  readonly objects: Evidence[];
  readonly consumerObjects: Evidence[];
}

/**
 * The reading of a description, step by step: shape, terms, masks, negation, protective words,
 * objects, the item's head, then each parameter with the words it came from. With `trace`, each
 * step's findings are written there too.
 */
/** A consumer word inside a listed type's own name ("手机" in "加密手机") is that type, not a consumer product. */
function insideListedTypeName(h: Hit, typeWords: readonly Hit[]): boolean {
  return typeWords.some((t) => t.tag.k === "type" && t.tag.strength === "primary" && t.start <= h.start && t.end >= h.end && t.end - t.start > h.end - h.start);
}

export function extractParameters(norm: NormalisedText, lexicon: Lexicon<Tag>, cues: ReadingCues, trace?: TraceStep[]): Parameters {
  const cue = compileCues(cues);
  const lower = norm.lower;
  const brandTypes = brandCompoundTypes(norm, lexicon);
  const scanned = lexicon.findAll(lower, norm.text);
  // The steps read hits in text order.
  const all = brandTypes.length === 0 ? scanned : [...scanned, ...brandTypes].sort((a, b) => a.start - b.start);
  if (all.length === 0) return readingWithoutTerms(norm, cues, cue, trace);
  const hits = dropMasked(all);
  const found = new HitsByKind(hits);

  const words = readTypeWords(lower, hits, found, cue, cues);
  const name = readName(norm, found, cue, words);
  const { negated, negatedCrypto, liveCrypto, algorithmHits, typeWords, protectiveHits, storedDataHosts, deniedWords, citedWords, namedTypes } = words;
  const { naming, compoundOf, hostModifiers, candidateTypes, lastNamed, headIsToolFor, namedObjects, equipmentHead, shape, generalHead, typesOutsideName, chipsInside, equipmentParts, connectivityStandard, attacksBesideGeneral, accessoryObjects, partHead, partObjects, typeHits } = name;

  const algorithms = extractAlgorithms(norm, algorithmHits, found.of("curve"));
  const namesSomething = algorithms.some((a) => a.counted) || typeHits.some((h) => h.tag.strength === "primary");
  const noEncryption =
    negatedCrypto.length > 0 && liveCrypto.length === 0 && !namesSomething ? evidenceOfHit(norm, negatedCrypto[0] as Hit) : null;

  const { head, itemKind, itemKindEvidence, goodsDenied } = readItemKind(norm, found, cue, all, words, name);

  // "chip for hardware wallets", "用于智能手机": a consumer product named as what the item goes into is not the item.
  // …and so is one in a field that lists what the item goes into ("Applications: … consumer electronics").
  const consumerObjects = found
    .of("massWeak")
    .filter((h) => afterObjectCue(lower, h, 0, cue.objectBefore) || inApplicationField(lower, h, cue.applicationKey) || modifiesListedProduct(h, namedTypes));
  const consumerApplications = found.of("massStrong").filter((h) => inApplicationField(lower, h, cue.applicationKey));
  const parameters: Parameters = {
    algorithms: firstPerKey(algorithms, (a) => `${a.name}/${a.keyBits}`),
    rates: firstPerKey(extractRates(norm, found.of("rateLabel"), cues.lowerBounds, cue), rateKey),
    managedObjects: firstPerKey(extractManagedObjects(norm, found.of("managedObjects")), (m) => String(m.value)),
    types: firstPerKey(
      typeHits.map((h) => ({ type: h.tag.type, strength: h.tag.strength, evidence: evidenceOfHit(norm, h) })),
      (t) => `${t.type}/${t.strength}`,
    ),
    sectors: firstPerKey(extractSectors(norm, found.of("sector"), found.of("dedication"), typeHits), (s) => `${s.sector}/${s.dedicated}`),
    cryptoFunction: firstFew(norm, liveCrypto),
    massMarket: {
      strong: firstFew(norm, found.of("massStrong").filter((h) => !consumerApplications.includes(h))),
      weak: firstFew(norm, found.of("massWeak").filter((h) => !consumerObjects.includes(h) && !insideListedTypeName(h, typeWords))),
    },
    enterprise: firstFew(norm, found.of("enterprise")),
    negated: firstFew(norm, [...negatedCrypto, ...found.of("algorithm").filter((h) => negated.has(h)), ...typeWords.filter((h) => negated.has(h))]),
    noEncryption,
    itemKind,
    itemKindEvidence,
    itemKindNamed: head !== undefined && within(head[1], naming),
    goodsDenied: goodsDenied && head?.[1] === goodsDenied ? evidenceOfHit(norm, goodsDenied) : null,
    chipDesign: head !== undefined && (head[1].tag.k === "chipDesign" || head[1].tag.k === "designCore"),
    publicDomain: firstFew(norm, [...found.of("publicDomain"), ...(itemKind === "publication" ? found.of("publication") : [])]),
    protective: firstFew(norm, protectiveHits),
    shape,
    // A tool is for the listed items and functions named as its objects, and for a sector's crypto
    // products (金融IC卡); a router or switch it tests is not one.
    toolFor: firstFew(norm, [
      ...namedObjects.filter((h) => h.tag.k === "type" && h.tag.strength !== "host"),
      ...(headIsToolFor ? found.of("sector").filter((h) => h.tag.product) : []),
    ]),
    worksWith: firstFew(norm, [...(compoundOf ? [compoundOf] : []), ...hostModifiers, ...accessoryObjects, ...partObjects, ...typesOutsideName.filter((h) => !equipmentParts.includes(h)), ...chipsInside]),
    listedParts: firstFew(norm, equipmentParts),
    headType: lastNamed?.tag.k === "type" ? lastNamed.tag.type : null,
    generalProduct: generalHead ? evidenceOfHit(norm, generalHead) : null,
    connectivityChip: connectivityStandard ? evidenceOfHit(norm, connectivityStandard) : null,
    partHead: partHead ? evidenceOfHit(norm, partHead) : null,
    sectorEquipment: equipmentHead ? evidenceOfHit(norm, equipmentHead) : null,
    qualifiedHosts: firstFew(norm, typeHits.filter((h) => !typeWords.includes(h))),
    deniedTypes: firstFew(norm, deniedWords),
    citedTypes: firstFew(norm, citedWords),
    storedDataOnly: firstFew(norm, storedDataHosts),
    attacksAside: firstFew(norm, attacksBesideGeneral),
  };
  if (trace) {
    trace.push(
      ...traceOf(parameters, {
        masked: firstFew(norm, all.filter((h) => !hits.includes(h) && h.tag.k !== "exclusion" && h.tag.k !== "notNegation")),
        objects: firstFew(norm, candidateTypes.filter((h) => !typeHits.includes(h))),
        namingPhrase: naming.end > naming.start ? evidenceOf(norm, naming.start, naming.end) : null,
        consumerObjects: firstFew(norm, [...consumerObjects, ...consumerApplications]),
      }),
    );
  }
  return parameters;
}

/*
 * The reading runs in steps, each a function of its own: a catalogue runs them for every row, and V8
 * optimises a function as a whole, throwing all of it away when one of its lines meets an object it has
 * not seen. One function holding every step was compiled again and again while a cold bulk thread met
 * its first rows (half a second a compile); steps of their own are compiled, and dropped, one by one.
 */

type TypeWords = ReturnType<typeof readTypeWords>;
type NameReading = ReturnType<typeof readName>;

/** The listed types' words the text names and what is said of them: negated, protective, denied, quoted, promoted (rules 11, 13, 15, 19). */
function readTypeWords(lower: string, hits: readonly Hit[], found: HitsByKind, cue: CompiledCues, cues: ReadingCues) {
  const negated = negatedHits(lower, hits, found.of("negation"), cue.negativeAnswer);
  const cryptoHits = found.of("crypto");
  const negatedCrypto = cryptoHits.filter((h) => negated.has(h));
  const liveCrypto = cryptoHits.filter((h) => !negated.has(h));
  const algorithmHits = found.of("algorithm").filter((h) => !negated.has(h));
  // Rule 13: an attack named once as what the product resists ("resistant to fault injection") is
  // the same attack when the text names it again in a list ("voltage glitching, EM fault injection").
  const typeWords = found.of("type");
  const protectiveHits = typeWords.some(isCryptanalysis) ? protectiveMentions(lower, typeWords, cues.protectiveCues) : [];
  // Rule 15: what a phone or fax encrypts, what it sends or only what it stores.
  const { encryptsTransmission, storedDataHosts } = phoneOrFaxEncryption(lower, typeWords, liveCrypto, cue);
  // Rule 11: a crypto accelerator a few words before "in" a chip ("integrated in the SoC", "as hard
  // IP in the FPGA") is a chip, not a cipher card, and so is a DPU or offload engine made at a process node
  // ("5 nm TSMC"); a cipher card named as such stays one, whatever node its SoC is made at.
  const builtIntoChip = typeWords.some((h) => h.tag.k === "type" && h.tag.type === "cipher_machine" && cue.embeddedInChip.test(lower.slice(h.end, h.end + 48)));
  const madeAtNode = cue.processNode.test(lower);
  // A product whose spec answers no to being a listed type ("是否为安全芯片:否", "HSM: no") is none of that
  // type, whatever host words of it the text also uses ("集成电路") (reading rule 19).
  const deniedWords = typeWords.filter((h) => h.tag.k === "type" && h.tag.strength === "primary" && answeredNo(lower, h.end, cue.negativeAnswer));
  const deniedTypes = new Set(deniedWords.map((h) => h.tag.type));
  // A listed type's name quoted in a question whether the product is one ("这算“加密电话机”") cites the list.
  // …and so does one named right after the cue, unquoted ("会不会算高速加密设备"), where other words name
  // the product ("三台路由器"); with none, the type asked about is the candidate ("这是不是加密机？SM4 10Gbps").
  const primaryWords = typeWords.filter((h) => h.tag.k === "type" && h.tag.strength === "primary");
  const quotedCitations = primaryWords.filter((h) => quotedAfterCitation(lower, h, cue.citationBefore));
  const bareCitations = primaryWords.filter((h) => !quotedCitations.includes(h) && cue.citationRightBefore.test(lower.slice(Math.max(0, h.start - 12), h.start)));
  const namedOtherwise =
    bareCitations.length > 0 &&
    (typeWords.some((h) => !bareCitations.includes(h) && !quotedCitations.includes(h)) ||
      found.of("software").length + found.of("general").length + found.of("part").length + found.of("publication").length > 0);
  const citedWords = namedOtherwise ? [...quotedCitations, ...bareCitations] : quotedCitations;
  const liveTypeWords = dropContainedTypes(typeWords, found.of("general")).filter(
    (h) => !negated.has(h) && !protectiveHits.includes(h) && !deniedTypes.has(h.tag.type) && !citedWords.includes(h) && !unqualifiedFeature(lower, h, cue),
  );
  // (Index for index with liveTypeWords: a phone its encryption words promote keeps its place.)
  const namedTypes = liveTypeWords
    .map((h) => promoteQualifiedHost(h, lower, cue.qualifierBefore, cue.qualifierAfter, encryptsTransmission))
    .map((h) =>
      h.tag.k === "type" && h.tag.type === "cipher_machine" && (builtIntoChip || (madeAtNode && h.tag.strength !== "primary")) ? { ...h, tag: { ...h.tag, type: "security_chip" as const } } : h,
    );
  return { negated, cryptoHits, negatedCrypto, liveCrypto, algorithmHits, typeWords, protectiveHits, storedDataHosts, deniedWords, citedWords, liveTypeWords, namedTypes };
}

/** The phrase that names the product, its head, and the listed types that name what the product is rather than what it works with (rules 10–12). */
function readName(norm: NormalisedText, found: HitsByKind, cue: CompiledCues, words: TypeWords) {
  const lower = norm.lower;
  const { negated, algorithmHits, liveTypeWords, namedTypes } = words;
  // The phrase that names the product ends with its head, in English and Chinese alike: in
  // "安全芯片/密码卡…密钥注入系统" or "HSM key-injection station" the listed items named before a production
  // or test word are what it is for (reading rule 10).
  // A product that exists only for a sector (税务UKey) names the product as much as a listed type does.
  // …and so does a sector's own equipment (an electricity meter, an ATM).
  const sectorProducts = found.of("sector").filter((h) => h.tag.product || h.tag.equipment);
  // "Core" names a design only after what it computes, in its own clause ("AES-GCM encrypt/decrypt
  // core"); elsewhere it is a processor's ("36 Arm cores").
  // (Most texts name no chip design: their technology words are the vocabulary's own list, not a new one.)
  const chipDesignWords = found.of("chipDesign");
  const coreWords = found.of("designCore");
  const technologyWords =
    chipDesignWords.length === 0 && coreWords.length === 0
      ? found.of("technology")
      : [...found.of("technology"), ...chipDesignWords, ...coreWords.filter((h) => namesWhatItComputes(lower, h, algorithmHits, found.of("crypto"), namedTypes))];
  const kindWords = [...namedTypes, ...sectorProducts, ...found.of("software"), ...technologyWords, ...found.of("publication"), ...found.of("service"), ...found.of("general")];
  // (A space inside a term, "VPN 网关", is not between keywords.)
  // (Written inline, not as a named const: tsx keeps function names by setting each named closure's
  // name as it is made, a slow property write on every classification.)
  const naming = namingPhrase(lower, inSpan(kindWords), inSpan([...namedTypes, ...sectorProducts]), (i) => typedSpaceBefore(norm, i) && !kindWords.some((h) => h.start < i && h.end > i));
  // Rule 10: the last word of a compound names what it is: an "HSM chip" is a chip. A host that ends
  // the product's name right after a listed word of another type heads that compound; the word before
  // it says what the chip (card, module) is for.
  const named = namedTypes.filter((h) => within(h, naming)).sort((x, y) => x.end - y.end);
  const lastWord = named.at(-1);
  const compoundOf =
    // (Tooling named this way keeps its own reading: the items before it are what it is for.)
    lastWord && lastWord.tag.k === "type" && lastWord.tag.strength === "host" && !TOOL_TYPES.has(lastWord.tag.type)
      ? named.find((h) => h.tag.strength === "primary" && h.tag.type !== lastWord.tag.type && rightBefore(h, lastWord))
      : undefined;
  // …and a host right before a listed product of another type says what that product is for ("P25 Key
  // Management Facility" keys radios; it is not one).
  // (Read before a phone is promoted by its encryption words: "手机加密卡" is a card for phones.)
  const hostModifiers = namedTypes.filter((h, i) => {
    const word = liveTypeWords[i] as Hit;
    return word.tag.k === "type" && word.tag.strength === "host" && modifiesListedProduct(h, namedTypes);
  });
  const compounded = compoundOf
    ? namedTypes.filter((h) => h !== compoundOf).map((h) => (h === lastWord ? { ...h, tag: { ...h.tag, strength: "primary" as const } } : h))
    : namedTypes;
  const candidateTypes = hostModifiers.length > 0 ? compounded.filter((h) => !hostModifiers.includes(h)) : compounded;
  const namingTypes = candidateTypes.filter((h) => within(h, naming));
  const lastNamed = namingTypes.reduce<Hit | undefined>((last, h) => (!last || h.end > last.end ? h : last), undefined);
  const headIsToolFor = lastNamed !== undefined && lastNamed.tag.k === "type" && TOOL_TYPES.has(lastNamed.tag.type);
  // Tooling is for items: with a tool as the head, the listed items named anywhere are its objects, and
  // so are the features named in its name ("IPsec VPN test solution"); a tool named by a general word
  // (a test platform, not "cryptographic test equipment") takes every product word as what it works on.
  const headIsToolHost = headIsToolFor && lastNamed.tag.k === "type" && lastNamed.tag.strength === "host";
  // An attack named with the tool ("激光故障注入测试平台") is what the tool does, not an item it is for:
  // fault-injection and side-channel platforms are cryptanalysis equipment (reading rule 13).
  const namedObjects = headIsToolFor
    ? candidateTypes.filter((h) => (h.tag.strength === "primary" || within(h, naming) || headIsToolHost) && !TOOL_TYPES.has(h.tag.type) && h.tag.type !== "cryptanalysis")
    : [];
  // Rule 10: with a listed type as the head of the product's name, another listed type named only
  // outside the name ("对接密码机", "keys protected by HSMs") is what the product works with, not what it is.
  const headType = lastNamed && lastNamed.tag.k === "type" && lastNamed.tag.strength === "primary" && !headIsToolFor ? lastNamed.tag.type : null;
  // Rule 12: a sector's equipment heading the name (a smart meter, an ATM) with no listed type named
  // after it there is equipment that may contain a listed part; listed types named only outside the
  // name ("HSM at head-end", "商户手机") are what it works with, too.
  const equipmentHead = found
    .of("sector")
    .find((h) => h.tag.equipment && within(h, naming) && !namingTypes.some((t) => t.tag.strength === "primary" && t.end > h.end) && !FOR_THE_NEXT_WORD.test(lower.slice(h.end, h.end + 2)));
  // …and so, in 申报要素, with equipment that carries the function heading 品名 ("国密加密网关" with a
  // 加密卡 in its key-storage field): the card is a part of the gateway (reading rule 19).
  const shape = textShape(lower);
  const hostHead = shape === "declaration_elements" && lastNamed?.tag.k === "type" && lastNamed.tag.strength === "host" && !headIsToolFor;
  // A general-purpose product heads the name when no listed product word comes after it there
  // ("打印机" in "多功能打印机", not in "打印机墨盒芯片", which is a chip).
  const generalHead = namingTypes.some((h) => h.tag.strength === "primary")
    ? undefined
    : found.of("general").find((g) => within(g, naming) && !namingTypes.some((h) => h.tag.strength !== "feature" && h.end > g.end));
  // …and with a general-purpose product heading the name (an MCU, a printer), a listed type named only
  // outside it ("TC3x HSM 子系统", "crypto accelerator") is a block of that product: its crypto is a
  // feature, not its main function (reading rule 11).
  const typesOutsideName =
    headType === null && !equipmentHead && !hostHead && !generalHead
      ? []
      : candidateTypes.filter(
          (h) =>
            (h.tag.strength === "primary" || equipmentHead !== undefined || generalHead !== undefined) &&
            h.tag.type !== headType &&
            !within(h, naming) &&
            !namingTypes.some((n) => n.tag.type === h.tag.type),
        );
  // A chip named only as a chip ("ASIC", "芯片") outside a name that heads another product ("firewall
  // appliances … on its GigaScreen ASIC") is a part of that product, not the product (rules 10 and 12).
  const chipsInside =
    lastNamed?.tag.k === "type" && lastNamed.tag.type !== "security_chip"
      ? candidateTypes.filter((h) => h.tag.type === "security_chip" && h.tag.strength === "host" && !within(h, naming))
      : [];
  // Listed items named beside a sector's equipment (the meter's ESAM) are parts of it.
  const equipmentParts = equipmentHead ? typesOutsideName.filter((h) => h.tag.strength === "primary") : [];
  // A host word before the equipment in its name says what kind of meter it is ("手机充值电表": topped
  // up from a phone), not that it is a phone (rule 10: the last word names the product).
  const equipmentModifiers = equipmentHead
    ? namingTypes.filter((h) => (h.tag.strength === "host" || QUALIFIABLE_HOSTS.has(h.tag.type)) && h.end <= equipmentHead.start)
    : [];
  // A chip named only by a chip word ("ESP32-C3 芯片", "IC") in a text naming the wireless standard it
  // implements ("WiFi", "蓝牙5", "Zigbee") is a connectivity chip (rule 11) — not where the standard is
  // only what the chip is for ("用于蓝牙耳机").
  const connectivityStandard =
    !generalHead && lastNamed?.tag.k === "type" && lastNamed.tag.type === "security_chip" && lastNamed.tag.strength === "host" && !namingTypes.some((h) => h.tag.strength === "primary")
      ? found.of("connectivity").find((h) => !negated.has(h) && !afterObjectCue(lower, h, 0, cue.objectBefore))
      : undefined;
  // Attacks named outside the name of a general-purpose product (an SoC's DPA countermeasures, a course
  // on microcontrollers and glitching) are what it resists or discusses, not what it is (rules 10 and 13).
  const attacksBesideGeneral = generalHead ? candidateTypes.filter((h) => h.tag.type === "cryptanalysis" && !within(h, naming)) : [];
  // "Rack rails for Thales Luna HSM", "transceivers for SRX Series Services Gateways": words the vocabulary
  // does not know, named before "for" in the clause, name the item; the listed product after it is what
  // the item is for (rule 10) — unless they only ask about it ("quote for", "request for").
  const accessoryObjects = candidateTypes.filter((h) => h.tag.strength !== "feature" && within(h, naming) && forUnknownHead(lower, h, kindWords, cue.requestBefore));
  // "SafeNet Luna SA（1U 机架式网络 HSM）风扇模块", "transceivers for SRX Series Services Gateways": a part
  // heading the name, or ending a compound after a listed product's name, is the item (rule 10).
  const partHead = found.of("part").length === 0 ? undefined : headingPart(lower, found.of("part"), candidateTypes, naming, found.of("dedication"), cue.objectBefore);
  const partObjects = partHead ? candidateTypes : [];
  const typeHits = dropObjectMentions(
    candidateTypes.filter((h) => !partObjects.includes(h) && !namedObjects.includes(h) && !typesOutsideName.includes(h) && !chipsInside.includes(h) && !equipmentModifiers.includes(h) && !attacksBesideGeneral.includes(h) && !accessoryObjects.includes(h)),
    lower,
    cue.objectBefore,
  );
  return { technologyWords, naming, compoundOf, hostModifiers, candidateTypes, lastNamed, headIsToolFor, namedObjects, equipmentHead, shape, generalHead, typesOutsideName, chipsInside, equipmentParts, connectivityStandard, attacksBesideGeneral, accessoryObjects, partHead, partObjects, typeHits };
}

/** What the item is — goods, software, technology, a publication or a service — and the word that says so (rules 10, 14, 17, 21). */
function readItemKind(norm: NormalisedText, found: HitsByKind, cue: CompiledCues, all: readonly Hit[], words: TypeWords, name: NameReading) {
  const lower = norm.lower;
  const { negated, cryptoHits } = words;
  const { technologyWords, candidateTypes, typeHits, naming, lastNamed, equipmentHead, generalHead, partHead } = name;
  // What the item is: the kind of word named first (its head, reading rule 10). A kind word that is
  // negated ("no software needed", "不带任何硬件") does not name the item.
  // Software named together with hardware ("硬件软件综合体", "hardware and software") ships with it: the item is the hardware (rule 14).
  const hardwareWords = found.of("hardware").filter((h) => !negated.has(h));
  // "No equipment is sold", "不采购、不运输任何设备": the deal moves no goods, so what it asks about is a service
  // (rule 21); software named outside the denial ("不寄硬件，这算软件出口") is still what moves.
  const goodsDenied = candidateTypes.length > 0 ? goodsDenial(lower, cue, all) : null;
  const liveSoftware = liveKindWords(found.of("software"), negated, candidateTypes).filter(
    (h) =>
      !hardwareWords.some((w) => namedTogether(lower, w, h)) &&
      !(goodsDenied && h.start >= goodsDenied.start && h.start < goodsDenied.end + 8) &&
      !describesTheProduct(lower, h, naming, cue),
  );
  const liveTechnology = liveKindWords(technologyWords, negated, candidateTypes);
  const liveService = liveKindWords(found.of("service"), negated, candidateTypes);
  const livePublication = liveKindWords(found.of("publication"), negated, candidateTypes);
  const heads: [Parameters["itemKind"], Hit | undefined][] = [
    // A product that exists only for a sector (税务UKey, 税控盘) is goods, named as such, and so is a
    // general product heading the name (a printer whose firmware encrypts its disk is a printer).
    ["hardware", firstOf([typeHits.find((h) => h.tag.strength !== "feature"), found.of("sector").find((h) => h.tag.product), equipmentHead, generalHead, partHead])],
    // A publication names the item only from the product's name; elsewhere it is a reference ("(security policy v1.1)").
    // …unless a product word after it ends the name: "专利所述安全设备测试系统" is the system a patent describes.
    [
      "publication",
      livePublication.find(
        (h) =>
          within(h, naming) &&
          !typeHits.some((t) => t.tag.strength !== "feature" && t.start >= h.end && within(t, naming) && !insideTitle(lower, t) && endsNamingPhrase(lower, t, naming)),
      ),
    ],
    ["service", liveService[0]],
    ["technology", liveTechnology[0]],
    // (Software a device runs or comes with, "runs pfSense software", "HSM with SDK", is not the item.)
    ["software", liveSoftware.find((h) => !afterObjectCue(lower, h, 0, cue.objectBefore))],
  ];
  // Software named last in the naming phrase is its head ("Luna HSM firmware 7.7"); otherwise the kind named first.
  // …and so is a publication ("Senetas CN encryptors FIPS security policy").
  // One that comes with the product ("with SDK") is an accessory, not the head; a publication names the
  // item only where it ends the name ("… Non-Proprietary Security Policy (v1.01)"), not inside a title's
  // list of contents ("… 配Python/Jupyter教程 硬件安全研究").
  const itemKindWords = [...liveSoftware, ...liveTechnology, ...livePublication];
  const namingSoftware = itemKindWords.filter(
    (h) =>
      within(h, naming) &&
      (!lastNamed || h.start > lastNamed.end) &&
      !afterObjectCue(lower, h, naming.start, cue.objectBefore) &&
      (h.tag.k !== "publication" || endsNamingPhrase(lower, h, naming)),
  );
  const headSoftware = namingSoftware.sort((a, b) => b.start - a.start)[0];
  // "No hardware supplied", "不含硬件": what ships is not hardware, whatever products the text names; with
  // no other kind word, it is software (an image, a package, a licence).
  // ("无硬件加速单元", "no hardware encryption" deny a feature, not that the item is hardware.)
  const hardwareDenied = found.of("hardware").find((h) => negated.has(h) && !modifiesNext(lower, h, cryptoHits));
  const namedHeads = heads.filter((x): x is [Parameters["itemKind"], Hit] => x[1] !== undefined && !((hardwareDenied || goodsDenied) && x[0] === "hardware"));
  const deniedHead: [Parameters["itemKind"], Hit] | undefined = goodsDenied
    ? ["service", goodsDenied]
    : hardwareDenied
      ? ["software", negationPhrase(found.of("negation"), hardwareDenied)]
      : undefined;
  // "只交付软件", "只发授权文件": a kind word right after says what moves, before any other head (quoted
  // with its cue, so the result shows why the equipment named besides is not the item).
  const shipped = itemKindWords.length > 0 ? onlyShippedKind(lower, cue.onlyShipped, itemKindWords) : undefined;
  const named = shipped ?? headSoftware;
  const head: [Parameters["itemKind"], Hit] | undefined = named
    ? [named.tag.k === "software" ? "software" : named.tag.k === "publication" ? "publication" : "technology", named]
    : (namedHeads.sort((a, b) => a[1].start - b[1].start)[0] ?? deniedHead);
  const itemKind: Parameters["itemKind"] = head?.[0] ?? "hardware";
  const itemKindEvidence: Evidence | null = head && head[0] !== "hardware" ? evidenceOfHit(norm, head[1]) : null;
  return { head, itemKind, itemKindEvidence, goodsDenied };
}

/**
 * The reading of a text in which no vocabulary term stands, as many of a catalogue's rows are (a
 * tariff line for beef): every step would find nothing, so only the text's shape and its figures
 * are read. The result is the one the full reading gives, key for key and in the same order.
 */
function readingWithoutTerms(norm: NormalisedText, cues: ReadingCues, cue: CompiledCues, trace?: TraceStep[]): Parameters {
  const parameters: Parameters = {
    algorithms: [],
    rates: firstPerKey(extractRates(norm, [], cues.lowerBounds, cue), rateKey),
    managedObjects: [],
    types: [],
    sectors: [],
    cryptoFunction: [],
    massMarket: { strong: [], weak: [] },
    enterprise: [],
    negated: [],
    noEncryption: null,
    itemKind: "hardware",
    itemKindEvidence: null,
    itemKindNamed: false,
    goodsDenied: null,
    chipDesign: false,
    publicDomain: [],
    protective: [],
    shape: textShape(norm.lower),
    toolFor: [],
    worksWith: [],
    listedParts: [],
    headType: null,
    generalProduct: null,
    connectivityChip: null,
    partHead: null,
    sectorEquipment: null,
    qualifiedHosts: [],
    deniedTypes: [],
    citedTypes: [],
    storedDataOnly: [],
    attacksAside: [],
  };
  if (trace) {
    const naming = namingPhrase(norm.lower, namesNothing, namesNothing);
    trace.push(
      ...traceOf(parameters, {
        masked: [],
        objects: [],
        namingPhrase: naming.end > naming.start ? evidenceOf(norm, naming.start, naming.end) : null,
        consumerObjects: [],
      }),
    );
  }
  return parameters;
}

const namesNothing = () => false;
const rateKey = (r: RateFound) => `${r.kind}/${r.value}/${r.unit}`;

/*
 * The steps of a reading are module functions rather than closures made per call: a catalogue
 * runs the reading for every row.
 */

/** The hits of each kind, grouped once: the steps of a reading ask for them many times. */
class HitsByKind {
  private readonly byKind = new Map<Tag["k"], Hit[]>();

  constructor(hits: readonly Hit[]) {
    for (const h of hits) {
      const list = this.byKind.get(h.tag.k);
      if (list) list.push(h);
      else this.byKind.set(h.tag.k, [h]);
    }
  }

  /** The hits of a kind, to read: most kinds are absent from a text, and share one empty list. */
  of<K extends Tag["k"]>(k: K): readonly TermHit<Extract<Tag, { k: K }>>[] {
    return (this.byKind.get(k) ?? NO_HITS) as readonly TermHit<Extract<Tag, { k: K }>>[];
  }
}

const NO_HITS: readonly Hit[] = [];

/**
 * Every match of a global pattern in a text, as `text.matchAll(pattern)` gives them. matchAll copies the
 * pattern on every call, which for the long rate pattern costs more than the scan itself; exec on the
 * pattern does not. (All matches are read before the caller's loop runs, so nothing the loop calls
 * can move the pattern's lastIndex under it.)
 */
function allMatches(pattern: RegExp, text: string): RegExpExecArray[] {
  const matches: RegExpExecArray[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    matches.push(m);
    // (An empty match would find itself again: step past it, as matchAll does.)
    if (m[0] === "") pattern.lastIndex++;
  }
  return matches;
}

function evidenceOfHit(norm: NormalisedText, h: { start: number; end: number }): Evidence {
  return evidenceOf(norm, h.start, h.end);
}

/**
 * The evidence of some hits, a few per wording: a word repeated a thousand times is one finding, and
 * the result (stored, sent, shown) stays bounded whatever the text repeats.
 */
function firstFew(norm: NormalisedText, hits: readonly { start: number; end: number }[]): Evidence[] {
  if (hits.length === 0) return [];
  const evidence = hits.map((h) => evidenceOf(norm, h.start, h.end));
  // No more hits than one wording may keep: every one is kept, with no counting.
  if (evidence.length <= MAX_EVIDENCE_PER_FINDING) return evidence;
  return firstPerKey(evidence, (e) => e.text.toLowerCase());
}

/** Whether any of some words lies in a span, as the naming phrase asks it. */
const inSpan = (words: readonly Hit[]) => (start: number, end: number) => words.some((h) => h.start >= start && h.end <= end);

function within(h: { start: number; end: number }, span: { start: number; end: number }): boolean {
  return h.start >= span.start && h.end <= span.end;
}

function isCryptanalysis(h: Hit): boolean {
  return h.tag.k === "type" && h.tag.type === "cryptanalysis";
}

/** Every mention of an attack that a protective cue stands around somewhere in the text (rule 13). */
function protectiveMentions(lower: string, typeWords: readonly Hit[], cues: readonly string[]): Hit[] {
  const protectiveWords = new Set(
    typeWords.filter((h) => isCryptanalysis(h) && protectiveAround(lower, h, cues)).map((h) => lower.slice(h.start, h.end)),
  );
  return protectiveWords.size === 0 ? [] : typeWords.filter((h) => isCryptanalysis(h) && protectiveWords.has(lower.slice(h.start, h.end)));
}

/**
 * The hits a negation covers: a cue before them ("no encryption", "不支持加密"), or an answer after
 * them ("加密功能：无", "Encryption: none").
 */
function negatedHits(lower: string, hits: readonly Hit[], cues: readonly Hit[], negativeAnswer: RegExp): Set<Hit> {
  const scopes = negationScopes(lower, cues);
  const negated = new Set<Hit>();
  for (const h of hits) {
    if (scopes.some(([s, e]) => h.start >= s && h.start < e) || answeredNo(lower, h.end, negativeAnswer)) negated.add(h);
  }
  return negated;
}

/**
 * Whether the words right after a hit answer no to it ("加密功能：无", "HSM: no"). The answer follows
 * a colon at most six characters on: most hits have none there, and the regex is not run for them.
 */
function answeredNo(lower: string, end: number, negativeAnswer: RegExp): boolean {
  const colonBy = Math.min(lower.length, end + 7);
  let i = end;
  while (i < colonBy && lower[i] !== ":" && lower[i] !== "：") i++;
  return i < colonBy && negativeAnswer.test(lower.slice(end, end + 16));
}

/**
 * Kind words (software, service…) that can name the item: not negated, and not inside a product's own
 * name ("云服务" in "云服务器密码机"). Chinese runs words together: a kind word that overlaps a longer
 * product word shares its characters.
 */
function liveKindWords<T extends Hit>(words: readonly T[], negated: ReadonlySet<Hit>, types: readonly Hit[]): T[] {
  return words.filter((h) => !negated.has(h) && !types.some((t) => t.start < h.end && h.start < t.end && t.end - t.start > h.end - h.start));
}

/** A feature word that names a crypto function only after a crypto word, with none before it in its clause ("OVS offload"). */
function unqualifiedFeature(lower: string, h: Hit, cue: CompiledCues): boolean {
  return h.tag.k === "type" && h.tag.strength === "feature" && cue.qualifiedFeatures.has(lower.slice(h.start, h.end)) && !cue.featureQualifierBefore.test(lower.slice(Math.max(0, h.start - 40), h.start));
}

/**
 * The part that names the item: one in the naming phrase with no listed product named after it there
 * but after "for", one right before "for" and the name ("transceivers for SRX gateways"), or one ending a compound right after a listed
 * product's name, with only spaces, a bracket, a bracketed aside or a word of dedication between ("纵向加密装置专用机柜",
 * "HSM）风扇模块"), in the naming phrase's clause.
 */
function headingPart(lower: string, parts: readonly Hit[], types: readonly Hit[], naming: { start: number; end: number }, dedication: readonly Hit[], objectBefore: RegExp): Hit | undefined {
  const products = types.filter((t) => t.tag.k === "type" && t.tag.strength !== "feature");
  return parts.find((p) => {
    if (within(p, naming)) return !products.some((t) => within(t, naming) && t.start > p.end && !afterObjectCue(lower, t, p.end, objectBefore));
    // (The name may start after "for": "Juniper transceivers for SRX Series Services Gateways".)
    if (p.end <= naming.start) return !FIELD_BREAK.test(lower.slice(p.end, naming.start)) && objectBefore.test(lower.slice(p.end, naming.start));
    if (p.start < naming.start || FIELD_BREAK.test(lower.slice(naming.end, p.start))) return false;
    return products.some((t) => {
      if (t.end > p.start || p.start - t.end > 12) return false;
      // (A bracketed aside is part of the name: "网络密码机（2U）电源".)
      let gap = lower.slice(t.end, p.start).replace(BRACKETED_ASIDE, "");
      for (const d of dedication) if (d.start >= t.end && d.end <= p.start) gap = gap.replace(lower.slice(d.start, d.end), "");
      return /^[\s)）\]】]*$/.test(gap);
    });
  });
}

/** Whether a word stands right before a listed product's own name of another type: what that product is for ("手机加密卡"). */
function modifiesListedProduct(h: Hit, types: readonly Hit[]): boolean {
  return types.some((p) => p.tag.k === "type" && p.tag.strength === "primary" && (h.tag.k !== "type" || p.tag.type !== h.tag.type) && rightBefore(h, p));
}

/** Whether one word ends right before the next begins, a space or none between: the two words of a compound. */
function rightBefore(a: Hit, b: Hit): boolean {
  return b.start - a.end >= 0 && b.start - a.end <= 1;
}

/** A listed type's word and the rest of its quoted name ("“量子密码设备”": 设备 after the word), up to the closing quote. */
const REST_OF_QUOTED_NAME = /^[^\s,;，；。:：|“”"「」‘’'()（）]{0,6}[”"」’']/;
/** The opening quote of the name a word begins or stands inside ("“加密电话机", "“商用密码"). */
const QUOTED_NAME_OPENING = /[“"「‘'][^\s,;，；。:：|“”"「」‘’'()（）]{0,6}$/;

/**
 * A listed type's word inside a quoted name that a question whether the product is one cites ("这算“加密电话机”",
 * "是不是要按“量子密码设备”办"): the cue, a few words, the opening quote, the name (reading rule 10).
 */
function quotedAfterCitation(lower: string, h: Hit, citationBefore: RegExp): boolean {
  if (!REST_OF_QUOTED_NAME.test(lower.slice(h.end, h.end + 8))) return false;
  const before = lower.slice(Math.max(0, h.start - 24), h.start);
  const opening = QUOTED_NAME_OPENING.exec(before);
  return opening !== null && citationBefore.test(before.slice(0, opening.index + 1));
}

/** Whether a product word follows "for" after words of its clause that name nothing the vocabulary knows. */
function forUnknownHead(lower: string, h: Hit, kindWords: readonly Hit[], requestBefore: RegExp): boolean {
  const { from } = clauseAround(lower, h, 60, 0);
  const before = lower.slice(from, h.start);
  const m = UNKNOWN_HEAD_FOR.exec(before);
  if (!m) return false;
  const head = before.slice(0, m.index + m[1]!.length);
  return !requestBefore.test(head) && !kindWords.some((k) => k.start >= from && k.end <= from + head.length);
}
/** Words (three letters at least) before " for ", and at most a few words between it and the product word. */
const UNKNOWN_HEAD_FOR = /([a-z]{3}[^]*?)\sfor\s(?:[^\s]+\s){0,4}$/;

/** Whether two words are named as one pair: next to each other or joined by "and", "和", "/", "+". */
function namedTogether(lower: string, a: Hit, b: Hit): boolean {
  const [first, second] = a.start < b.start ? [a, b] : [b, a];
  return second.start >= first.end && PAIR_JOIN.test(lower.slice(first.end, second.start));
}
const PAIR_JOIN = /^\s*(?:和|与|及|、|\+|\/|&|and|-)?\s*$/;

/**
 * The software, technology or publication word a few characters after "只交付", "只发", "only send" — what the
 * deal moves — as one span with its cue ("只交付编译好的 PKI 软件").
 */
function onlyShippedKind(lower: string, onlyShipped: RegExp, kindWords: readonly Hit[]): Hit | undefined {
  const cue = onlyShipped.exec(lower);
  if (cue === null) return undefined;
  const from = cue.index + cue[0].length;
  const word = kindWords.find((h) => h.start >= from && h.start <= from + ONLY_SHIPPED_REACH && !CLAUSE_BREAK.test(lower.slice(from, h.start)));
  return word && { ...word, start: cue.index };
}
/** How far after the cue, in its clause, the word may start ("只交付编译好的开源 PKI 软件"). */
const ONLY_SHIPPED_REACH = 16;

/** The first denial that goods change hands, skipping a negation that opens a word denying nothing ("不同型号采购设备"). */
function goodsDenial(lower: string, cue: CompiledCues, hits: readonly Hit[]): Hit | null {
  // (Most texts hold no word for goods: a plain search rules them out faster than the pattern.)
  if (!cue.goodsWords.some((w) => lower.includes(w))) return null;
  for (const m of lower.matchAll(cue.goodsDenial)) {
    if (!hits.some((h) => h.tag.k === "notNegation" && h.start === m.index)) return { start: m.index, end: m.index + m[0].length, tag: { k: "service" } };
  }
  return null;
}

/** A negated word with the cue that negates it ("no hardware"), as one span. */

function negationPhrase(cues: readonly Hit[], h: Hit): Hit {
  const cue = cues.filter((c) => c.end <= h.start && h.start - c.end <= 12).at(-1);
  return cue ? { ...h, start: cue.start } : h;
}

/** Whether a word is the modifier of the word after it: a Chinese compound ("硬件加速"), or a crypto word next ("hardware encryption"). */
function modifiesNext(lower: string, h: Hit, cryptoHits: readonly Hit[]): boolean {
  return CJK.test(lower[h.end] ?? "") || cryptoHits.some((c) => c.start >= h.end && c.start <= h.end + 1);
}

/**
 * What a phone or fax the text names encrypts (reading rule 15). One that encrypts what it sends ("AES
 * encryption of voice and data", "通话加密") is an encrypted phone or fax, whatever words its name uses;
 * one whose only encryption named is of what it stores (a fax's memory, an MFP's disk) is a plain phone
 * or fax with a storage feature, since I-1 and I-2 are for data-transmission encryption. One named as
 * encrypting ("加密传真机") is read as named, and "encryption keys are stored in the module" stores keys:
 * it says nothing of what is encrypted.
 */
function phoneOrFaxEncryption(
  lower: string,
  typeWords: readonly Hit[],
  liveCrypto: readonly Hit[],
  cue: CompiledCues,
): { encryptsTransmission: boolean; storedDataHosts: Hit[] } {
  const phoneOrFaxWords = dropContainedTypes(typeWords.filter((h) => h.tag.k === "type" && QUALIFIABLE_HOSTS.has(h.tag.type)));
  if (phoneOrFaxWords.length === 0) return { encryptsTransmission: false, storedDataHosts: [] };
  const clauses = liveCrypto.map((h) => {
    const { from, to } = clauseAround(lower, h, 30, 30);
    return { h, clause: lower.slice(from, to) };
  });
  const encryptsTransmission = clauses.some(({ clause }) => cue.transmission.test(clause));
  const encryptsStoredData = clauses.some(({ h, clause }) => !NAMES_KEYS.test(lower.slice(h.end, h.end + 8)) && cue.storage.test(clause));
  const storedOnly = !encryptsTransmission && encryptsStoredData && phoneOrFaxWords.every((h) => h.tag.k === "type" && h.tag.strength === "host");
  return { encryptsTransmission, storedDataHosts: storedOnly ? phoneOrFaxWords : [] };
}

/** A crypto word that qualifies keys ("encryption keys", "加密密钥") names keys, not what is encrypted. */
const NAMES_KEYS = /^[\s-]*(?:keys?\b|密钥)/;

/** Whether a hit stands in a field whose key says what the item goes into ("Applications: …; consumer electronics"). */
function inApplicationField(lower: string, h: Hit, applicationKey: RegExp): boolean {
  return applicationKey.test(lower.slice(Math.max(0, h.start - 120), h.start));
}

/** An object cue ("for", "with", "用于") shortly before a hit, looking back no further than `from`. */
function afterObjectCue(lower: string, h: Hit, from: number, objectBefore: RegExp): boolean {
  return objectBefore.test(lower.slice(Math.max(from, h.start - 30), h.start));
}

const VERSION_ONLY = /^\s*(?:v?\d[\w.-]*|rev\.?\s*\w+)?\s*$/;

/** Whether a word ends the naming phrase, a version number aside. */
function endsNamingPhrase(lower: string, h: Hit, naming: { end: number }): boolean {
  // A publication word that closes a title in 《》 ends the work's name, whatever the sentence goes on to say.
  return VERSION_ONLY.test(lower.slice(h.end, naming.end)) || lower[h.end] === "》";
}

/** Where the clause around a span begins and ends, reaching at most `before` and `after` characters out. */
function clauseAround(lower: string, h: { start: number; end: number }, before: number, after: number): { from: number; to: number } {
  let from = h.start;
  while (from > 0 && h.start - from < before && !CLAUSE_BREAK.test(lower[from - 1] as string)) from--;
  let to = h.end;
  while (to < lower.length && to - h.end < after && !CLAUSE_BREAK.test(lower[to] as string)) to++;
  return { from, to };
}

/** Whether an algorithm or a crypto word comes before a word in its clause: what a design core computes. */
// (Not a processor's "multi-core", nor a core named after a product word: "cipher card on a … core".)
function namesWhatItComputes(lower: string, h: Hit, algorithms: readonly Hit[], cryptoWords: readonly Hit[], productWords: readonly Hit[]): boolean {
  if (lower[h.start - 1] === "-") return false;
  const { from } = clauseAround(lower, h, 60, 0);
  const beforeInClause = (a: Hit) => a.start >= from && a.end <= h.start;
  return (algorithms.some(beforeInClause) || cryptoWords.some(beforeInClause)) && !productWords.some(beforeInClause);
}

/** Whether a word stands inside a title in 《》: the name of a work, not of a product. */
function insideTitle(lower: string, h: Hit): boolean {
  return lower.lastIndexOf("《", h.start) > lower.lastIndexOf("》", h.start);
}

/** The earliest of some hits. */
function firstOf(hits: (Hit | undefined)[]): Hit | undefined {
  return hits.reduce<Hit | undefined>((a, h) => (h && (!a || h.start < a.start) ? h : a), undefined);
}

/** Equipment or tooling whose name takes the listed items named before it as its object. */
export const TOOL_TYPES = new Set<ProductTypeId>(["crypto_production_equipment", "crypto_test_equipment"]);

/**
 * The phrase that names the product: the value of 品名 in 申报要素, else the first clause that names a
 * product, up to a break, a bracket or the "for"/"用于" that introduces what it is for; a bracket right after a
 * name that names nothing may say what the product is.
 */
export function namingPhrase(
  lower: string,
  namesSomething: (start: number, end: number) => boolean = () => true,
  /** Whether a span names a product (not a remark such as a publication): what a bracket may name. */
  namesProduct: (start: number, end: number) => boolean = namesSomething,
  /** Whether a space the user typed before character i stands between keywords (a shop's title of keywords). */
  keywordGapAt?: (i: number) => boolean,
): { start: number; end: number } {
  const key = lower.includes(":") || lower.includes("：") ? NAMING_KEY.exec(lower) : null;
  let start = key ? key.index + key[0].length : 0;
  // A leading field that names nothing ("Colour: black;") is passed over: the name is the first clause that names a product.
  while (start < lower.length) {
    const rest = lower.slice(start, start + 120);
    const stop = NAMING_STOP.exec(rest);
    const end = start + (stop ? stop.index : rest.length);
    if (namesSomething(start, end)) return firstKeyword(lower, start, end, namesSomething, keywordGapAt);
    if (!stop) return { start, end };
    // What a bracket holds is a remark ("(security policy v1.1)"), not the product's name — unless the
    // name before it names nothing and the bracket says what it is ("SMA（PDA 式密钥注入器）",
    // 品名 "mPOS终端硬件(acceptance terminal)").
    const opensBracket = stop[0] === "(" || stop[0] === "（";
    const closeAt = opensBracket ? lower.slice(end + 1).search(/[)）]/) : -1;
    const close = closeAt < 0 ? -1 : end + 1 + closeAt;
    if (close > end + 1 && namesProduct(end + 1, close)) return { start: end + 1, end: close };
    // 品名's value is the name even when it names nothing the vocabulary knows.
    if (key) return { start, end };
    start = !opensBracket ? end + stop[0].length : close < 0 ? lower.length : close + 1;
  }
  return { start: 0, end: 0 };
}

/**
 * A shop's title is a run of keywords, the product first and its selling points after it ("5G手机 Tensor
 * G3芯片 Titan M2安全芯片 …", "POS terminal 智能POS机 … PBOC金融IC卡"): the product is named by the first
 * keywords that name something, not by the last product word of the run (reading rule 10).
 */
function firstKeyword(
  lower: string,
  start: number,
  end: number,
  namesSomething: (start: number, end: number) => boolean,
  keywordGapAt: ((i: number) => boolean) | undefined,
): { start: number; end: number } {
  if (!keywordGapAt || !CJK.test(lower.slice(start, end))) return { start, end };
  const gaps: number[] = [];
  for (let i = start + 1; i < end; i++) if (keywordGapAt(i)) gaps.push(i);
  if (gaps.length < KEYWORD_TITLE_MIN_GAPS) return { start, end };
  for (const at of gaps) if (namesSomething(start, at)) return namesSomething(at, end) ? { start, end: at } : { start, end };
  return { start, end };
}

/** Whether the user typed a space before character i: normalising drops one next to a Chinese character, the origin keeps it. */
function typedSpaceBefore(norm: NormalisedText, i: number): boolean {
  if (norm.lower[i] === " ") return true;
  const from = norm.originAt(i) as number;
  return from > (norm.originAt(i - 1) as number) + 1 && SPACE.test(norm.source[from - 1] as string);
}
const SPACE = /\s/;
/** A Chinese character (an ideograph, not a full-width punctuation mark). */
const CJK = /[\u4e00-\u9fff]/;
/** Spaces in a title of at least this many keywords; fewer are a name with a model number in it. */
const KEYWORD_TITLE_MIN_GAPS = 4;

const NAMING_KEY = /(?:^|[|\n;；])\s*(?:品名|商品名称|产品名称|货物名称|名称|采购|item|product)\s*[:：]/;
const NAMING_STOP = /[,;，；。:：|\n(（]|\s(?:for|used for|with)\s|用于|适用于|\s[-–—]\s/;

/**
 * The shape of a text, read before anything else: 申报要素 (`key:value|key:value`), a table pasted from a
 * PDF (cells split by "|" or column gaps), one feature a line, or prose.
 */
export function textShape(lower: string): TextShape {
  const bars = count(lower, "|");
  if (bars >= 2) {
    // 申报要素: most fields open with a short key and a colon.
    const keys = lower.split("|").filter((field) => /^[^:：\n]{1,12}[:：]/.test(field.trimStart())).length;
    return keys >= 3 && keys >= bars - 1 ? "declaration_elements" : "table";
  }
  if (count(lower, "\n") >= 2) return "lines";
  return "prose";
}

function count(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/**
 * Whether a cue of protection stands right around an analytic word, in its own clause: before it
 * ("防暴力破解", "resistant to side-channel attacks") or just after ("brute-force protection",
 * "暴力破解自毁", "side-channel resistant").
 */
function protectiveAround(lower: string, h: { start: number; end: number }, cues: readonly string[]): boolean {
  if (cues.length === 0) return false;
  // An English cue covers its clause ("resistant to laser fault injection and side-channel attacks").
  const { from, to } = clauseAround(lower, h, 60, 16);
  const before = lower.slice(from, h.start);
  const after = lower.slice(h.end, to);
  // A Chinese cue is a character or two ("防", "抗") that must touch the word: 防火墙 is a firewall.
  return cues.some((c) => (CJK.test(c) ? before.slice(-2).includes(c) || after.slice(0, 4).includes(c) : before.includes(c) || after.includes(c)));
}

/**
 * The first few items of each kind, in order, and at most MAX_FINDINGS in all: bounds evidence
 * without losing a distinct finding a real specification would have.
 */
function firstPerKey<T>(items: readonly T[], key: (item: T) => string, max = MAX_EVIDENCE_PER_FINDING): T[] {
  // Most kinds of finding are absent from a given text: their empty list needs no counting.
  if (items.length === 0) return [];
  const seen = new Map<string, number>();
  const kept: T[] = [];
  for (const item of items) {
    if (kept.length >= MAX_FINDINGS) break;
    const k = key(item);
    const n = seen.get(k) ?? 0;
    if (n >= max) continue;
    seen.set(k, n + 1);
    kept.push(item);
  }
  return kept;
}

/** Exclusions ("cipher lock", "ECC memory") hide every term inside them; "无线" is not the cue "无". */
function dropMasked(hits: Hit[]): Hit[] {
  const masks = hits.filter((h) => h.tag.k === "exclusion" || h.tag.k === "notNegation");
  if (masks.length === 0) return hits;
  return hits.filter((h) => {
    if (h.tag.k === "exclusion" || h.tag.k === "notNegation") return false;
    return !masks.some((m) => {
      const inside = h.start >= m.start && h.end <= m.end;
      if (m.tag.k === "notNegation") return inside && h.tag.k === "negation";
      // An exclusion says what a phrase is not ("retail banking" is not retail); it keeps what it is (banking).
      return inside && !["software", "publicDomain", "sector", "enterprise"].includes(h.tag.k);
    });
  });
}

/**
 * A product-type word inside a longer one ("vpn" in "vpn gateway", "密钥分发" in "量子密钥分发"), or inside a
 * longer general-purpose product word ("阵列" in "门阵列", a gate array), is not a match of its own.
 */
function dropContainedTypes<T extends Hit>(typeHits: readonly T[], generalHits: readonly Hit[] = []): T[] {
  const contains = (o: Hit, h: Hit) => o !== h && o.start <= h.start && o.end >= h.end && o.end - o.start > h.end - h.start;
  return typeHits.filter((h) => !typeHits.some((o) => contains(o, h)) && !generalHits.some((o) => contains(o, h)));
}

/** "encrypted VoIP desk phone", "加密IP电话机": an encryption word in front of the phone or fax names the product itself. */
export const QUALIFIABLE_HOSTS = new Set<ProductTypeId>(["encrypted_phone", "encrypted_fax"]);

function promoteQualifiedHost<T extends TermHit<Extract<Tag, { k: "type" }>>>(
  h: T,
  lower: string,
  qualifierBefore: RegExp,
  qualifierAfter: RegExp,
  encryptsTransmission: boolean,
): T {
  if (h.tag.strength !== "host" || !QUALIFIABLE_HOSTS.has(h.tag.type)) return h;
  const qualified =
    encryptsTransmission ||
    qualifierBefore.test(lower.slice(Math.max(0, h.start - 24), h.start)) ||
    // "radios configured with TEA3 air-interface encryption", "phone with end-to-end encryption"
    qualifierAfter.test(lower.slice(h.end, h.end + 72));
  if (!qualified) return h;
  return { ...h, tag: { ...h.tag, strength: "primary" } };
}

/**
 * The product is named first; a different product type named later after "for", "用于"… is what it
 * works with ("crypto test equipment for verifying cipher machines", "调用PCI-E密码卡"), not a second product.
 */
function dropObjectMentions<T extends TermHit<Extract<Tag, { k: "type" }>>>(typeHits: T[], lower: string, objectBefore: RegExp): T[] {
  // The head is the first product word, a host ("storage array") as much as a primary.
  const first = typeHits.find((h) => h.tag.strength !== "feature");
  if (!first) return typeHits;
  return typeHits.filter(
    (h) =>
      h === first ||
      // (A host after a listed product's name is an object, too: "Key Management Facility for P25 radios".)
      h.tag.strength === "feature" ||
      (h.tag.strength === "host" && first.tag.strength !== "primary") ||
      h.tag.type === first.tag.type ||
      !objectBefore.test(lower.slice(Math.max(first.end, h.start - 30), h.start)),
  );
}

/**
 * A cue negates the crypto words that follow it in the same clause, within a few words. Chinese
 * writes a negation right before what it negates (未加密, 无VPN功能, 不含密码芯片), with no spaces
 * to count words by: its scope is a few characters, so a 未 or 非 inside a name ("三未信安…服务器密码机")
 * does not reach a product word further on.
 */
const CJK_NEGATION_SCOPE = 8;
const LATIN_NEGATION_SCOPE = 24;
function negationScopes(lower: string, cues: readonly Hit[]): [number, number][] {
  const scopes: [number, number][] = [];
  for (const cue of cues) {
    let end = cue.end;
    const scope = CJK.test(lower.slice(cue.start, cue.end)) ? CJK_NEGATION_SCOPE : LATIN_NEGATION_SCOPE;
    const limit = Math.min(lower.length, cue.end + scope);
    while (end < limit && !CLAUSE_BREAK.test(lower[end] as string)) end++;
    scopes.push([cue.end, end]);
  }
  return scopes;
}

function extractAlgorithms(
  norm: NormalisedText,
  hits: readonly TermHit<Extract<Tag, { k: "algorithm" }>>[],
  curves: readonly TermHit<Extract<Tag, { k: "curve" }>>[],
): AlgorithmFound[] {
  const found: AlgorithmFound[] = [];
  const curveBits = curves.map((c) => c.tag.bits);
  const maxCurve = curveBits.length > 0 ? Math.max(...curveBits) : null;
  const starts = hits.map((h) => h.start).sort((a, b) => a - b);
  for (const h of hits) {
    const spec = h.tag.spec;
    let keyBits = spec.keyBits;
    let keyBitsFrom: AlgorithmFound["keyBitsFrom"] = keyBits === null ? null : "algorithm";
    // Evidence covers a key length written onto the name ("AES-256"), so the quote shows it.
    let spanEnd = h.end;
    if (spec.variableKey) {
      const nextAlgorithm = starts.find((s) => s > h.start) ?? norm.lower.length;
      const stated = statedKeyBits(norm.lower, h.start, h.end, nextAlgorithm);
      if (stated.bits.length > 0) {
        keyBits = Math.max(...stated.bits);
        keyBitsFrom = "stated";
        spanEnd = stated.attachedEnd;
      } else if (spec.family === "elliptic_curve" && keyBits === null && maxCurve !== null) {
        keyBits = maxCurve;
        keyBitsFrom = "stated";
      }
    }
    found.push({
      name: spec.name,
      family: spec.family,
      keyBits,
      keyBitsFrom,
      counted: isCounted(spec.family),
      evidence: evidenceOf(norm, h.start, spanEnd),
    });
  }
  // A named curve with no ECC word beside it ("NIST P-256") still tells an elliptic-curve algorithm.
  if (maxCurve !== null && !found.some((a) => a.family === "elliptic_curve")) {
    const c = curves.find((x) => x.tag.bits === maxCurve) as Hit;
    found.push({ name: "ECC", family: "elliptic_curve", keyBits: maxCurve, keyBitsFrom: "stated", counted: true, evidence: evidenceOfHit(norm, c) });
  }
  return mergeAlgorithms(found);
}

/** One row per algorithm name: the largest key length wins, the first mention is the evidence. */
function mergeAlgorithms(found: AlgorithmFound[]): AlgorithmFound[] {
  const byName = new Map<string, AlgorithmFound>();
  for (const a of found) {
    const seen = byName.get(a.name);
    if (!seen) byName.set(a.name, a);
    else if ((a.keyBits ?? -1) > (seen.keyBits ?? -1)) byName.set(a.name, { ...a, evidence: seen.evidence });
  }
  return [...byName.values()];
}

/** Where the clause of a key length written after an algorithm ends. */
const KEY_CLAUSE_BREAK = /[,;，；。\n]/;
/** A key length: "256-bit", "128 bits", "256位". */
const KEY_LENGTH = /(\d{2,5})\s*-?\s*(?:bits?|位)/g;

const RATE_UNIT_AHEAD = /^\s*(?:[gmkt]?(?:bps|b\/s|bit\/s)|次|tps)/;

const plausible = (n: number) => n >= KEY_BITS_MIN && n <= KEY_BITS_MAX;

/**
 * Key lengths written with an algorithm: "AES-128/192/256", "RSA 1024-4096位", "RSA up to 4096-bit",
 * "XTS-AES-128 with 256-bit key", "256-bit AES", "3DES168". Only plausible key sizes count.
 */
function statedKeyBits(lower: string, start: number, end: number, stopAt: number): { bits: number[]; attachedEnd: number } {
  const bits: number[] = [];
  let attachedEnd = end;
  const attached = /^[-_\s]?(\d{2,5}(?:\s*[/、]\s*\d{2,5})*(?:\s*(?:-|~|至|到)\s*\d{2,5})?)(\s*-?\s*(?:bits?|位))?/.exec(lower.slice(end, end + 40));
  if (attached) {
    const rest = lower.slice(end + attached[0].length);
    const numbers = ((attached[1] as string).match(/\d+/g) ?? []).map(Number).filter(plausible);
    if (!RATE_UNIT_AHEAD.test(rest) && numbers.length > 0) {
      bits.push(...numbers);
      attachedEnd = end + attached[0].length;
    }
  }
  const window = lower.slice(end, Math.min(stopAt, end + 28));
  // (The clause is cut where a break is found, not split: a split on a pattern copies the pattern first.)
  const clauseEnd = window.search(KEY_CLAUSE_BREAK);
  const clause = clauseEnd < 0 ? window : window.slice(0, clauseEnd);
  for (const m of allMatches(KEY_LENGTH, clause)) if (plausible(Number(m[1]))) bits.push(Number(m[1]));
  // "ARC4, 40-bit key", "AES，256位密钥": a key length named as such right after the comma is the algorithm's.
  const keyAfterComma = /^\s*[,，]\s*(\d{2,5})\s*-?\s*(?:bits?|位)\s*(?:key|密钥)/.exec(window);
  if (keyAfterComma && plausible(Number(keyAfterComma[1]))) bits.push(Number(keyAfterComma[1]));
  const before = /(\d{2,5})\s*-?\s*(?:bits?|位)\s*-?\s*$/.exec(lower.slice(Math.max(0, start - 12), start));
  if (before && plausible(Number(before[1]))) bits.push(Number(before[1]));
  return { bits, attachedEnd };
}

const RATE = new RegExp(
  String.raw`(?<![A-Za-z0-9.])` +
    QUANTITY.source +
    String.raw`\s*(?:(?:rsa|ecc|ecdsa|sm2|eddsa)[-\s]?(?:\d{3,4})?(?:[-\s]?bit)?\s*)?(Tbps|Tb/s|Tbit/s|Gbps|Gb/s|Gbit/s|Gbits/s|GBps|GB/s|GByte/s|Mbps|Mb/s|Mbit/s|MBps|MB/s|Kbps|kbps|kb/s|kbit/s|G(?![A-Za-z0-9])|M(?![A-Za-z0-9])|tps|TPS|次/秒|次/s|次每秒|次签名/秒|ops/s|ops/sec|operations per second|operations/s|transactions per second|signatures per second|signatures per sec|signatures/s|signatures/sec|sigs/s|signs/s|sign/s)`,
  "gi",
);
/** Every figure has a digit or a 十: a text with neither has no rate, and is ruled out faster than RATE scans it. */
const MAY_HOLD_FIGURE = /[\d十]/;
/** Upper-case B is bytes ("1.5 GB/s" is 12 Gbps); anything else is bits, as people usually mean. */
const BYTES = /^[GMKT]B(?:ps|\/s|yte\/s)$/;

/** Data rates in Gbps and operation rates in tps, each labelled with what it measures. */
/** A minimum stated right before a figure (a colon between allowed) or right after it: requirements, tenders, RFQs. */
function isLowerBound(lower: string, start: number, end: number, cues: ReadingCues["lowerBounds"]): boolean {
  const before = lower.slice(Math.max(0, start - 16), start).replace(/[\s:：]+$/, "");
  const after = lower.slice(end, end + 10).trimStart();
  return cues.before.some((c) => before.endsWith(c)) || cues.after.some((c) => after.startsWith(c));
}

function extractRates(
  norm: NormalisedText,
  labels: readonly TermHit<Extract<Tag, { k: "rateLabel" }>>[],
  lowerBounds: ReadingCues["lowerBounds"],
  cue: CompiledCues,
): RateFound[] {
  const rates: RateFound[] = [];
  if (!MAY_HOLD_FIGURE.test(norm.text)) return rates;
  for (const m of allMatches(RATE, norm.text)) {
    const quantity = parseQuantity(m[1] as string, m[2]);
    const unit = m[3] as string;
    if (quantity === null) continue;
    let value: number;
    let kind: "Gbps" | "tps" = "Gbps";
    const u = unit.toLowerCase();
    const bytes = BYTES.test(unit) ? 8 : 1;
    if (u === "g" || u === "m") {
      // A bare "G" or "M" is a rate only in a rate's context (reading rule 8): right after what it
      // measures ("IPSEC 8.5G", "VPN吞吐量:300M") or as a line rate ("100G Ethernet"). Otherwise it
      // is a capacity ("加密U盘 64G") or a mobile network ("5G").
      if (unit === "g" || unit === "m" || !bareUnitInContext(norm.lower, labels, m.index, m.index + m[0].length)) continue;
      value = u === "g" ? quantity : quantity / 1000;
    } else if (u.startsWith("t") && u !== "tps") value = quantity * 1000 * bytes;
    else if (u.startsWith("g")) value = quantity * bytes;
    else if (u.startsWith("m")) value = (quantity / 1000) * bytes;
    else if (u.startsWith("k")) value = (quantity / 1_000_000) * bytes;
    else {
      value = quantity;
      kind = "tps";
    }
    const start = m.index;
    const end = start + m[0].length;
    // The list's own threshold quoted in a question ("way under the 50,000 tps line") is no figure of the product (rule 7).
    if (cue.thresholdAfter.test(norm.lower.slice(end, end + 16))) continue;
    const { kind: label, from: labelFrom } = nearestLabel(norm.lower, labels, start, end);
    // A range reads its low end in the high end's unit; a bare low takes the high's multiplier ("2-6万").
    const range = RANGE_BEFORE.exec(norm.text.slice(Math.max(0, start - 14), start));
    const lowQuantity = range ? parseQuantity(range[1] as string, range[2] ?? m[2]) : null;
    const low = lowQuantity !== null && quantity > 0 && lowQuantity < quantity ? (value * lowQuantity) / quantity : null;
    rates.push({
      value,
      lowerBound: isLowerBound(norm.lower, start, end, lowerBounds),
      unit: kind,
      kind: kind === "tps" ? (label === "not_encryption" ? label : "signature") : label,
      labelFrom,
      scope: unitScope(norm.lower, start, end, cue),
      low,
      evidence: evidenceOf(norm, range && low !== null ? start - range[0].length : start, end),
    });
  }
  return rates;
}

const BARE_UNIT_GAP = /^[\s:：=]*(?:吞吐量?|throughput|速率|rate|性能|performance)?[\s:：=]*(?:up to|最高|最大)?[\s:：=]*$/;
const LINE_RATE_AFTER = /^\s*(?:ethernet|以太网|link|链路)/;

function bareUnitInContext(lower: string, labels: readonly TermHit<Extract<Tag, { k: "rateLabel" }>>[], start: number, end: number): boolean {
  if (LINE_RATE_AFTER.test(lower.slice(end, end + 12))) return true;
  return labels.some((l) => l.tag.kind !== "not_encryption" && l.end <= start && start - l.end <= 16 && BARE_UNIT_GAP.test(lower.slice(l.end, start)));
}

/**
 * What a rate measures, from the nearest label in its own clause: "firewall throughput 30 Gbps",
 * "50 Gbps firewall throughput", "SM4加解密速率 8Gbps". Windows stop at punctuation and at
 * other numbers so a label is not borrowed from the next figure.
 */
function nearestLabel(
  lower: string,
  labels: readonly TermHit<Extract<Tag, { k: "rateLabel" }>>[],
  start: number,
  end: number,
): { kind: RateKind; from: LabelFrom } {
  // An encrypt/decrypt pair ("8/10 Gbps") is one figure: read its label from before the pair (reading rule 4).
  const pair = PAIR_BEFORE.exec(lower.slice(Math.max(0, start - 12), start));
  const figureStart = pair ? start - pair[0].length : start;
  let from = figureStart;
  // A figure belongs to the key of its field: the scan back crosses the one separator that ends the
  // key, a colon ("VPN吞吐量:300M") or, where the figure opens its cell, a "|" or line break of a
  // pasted table ("SM3 hash | 2200 Mbps", reading rules 19 and 20). A key found there decides.
  let keyFrom = -1;
  // Another number stops the scan, so a label is not borrowed from the figure before.
  while (from > 0 && figureStart - from < 40 && !numberAt(lower, from - 1)) {
    const c = lower[from - 1] as string;
    // A condition in brackets between the label and its figure ("IPsec VPN 吞吐（512 字节）4.5 Gbps",
    // "throughput (1518B UDP): 10 Gbps") is passed over: the figure is still the label's (reading rule 3).
    const aside = BRACKET_CLOSE.test(c) ? ASIDE_ENDING.exec(lower.slice(Math.max(0, from - ASIDE_MAX), from)) : null;
    if (aside) {
      from -= aside[0].length;
      continue;
    }
    if (CLAUSE_BREAK.test(c)) {
      const opensCell = CELL_OPENING.test(lower.slice(from, figureStart));
      if (keyFrom >= 0 || !(KEY_END.test(c) || (CELL_END.test(c) && opensCell))) break;
      keyFrom = from - 1;
    }
    from--;
  }
  let to = end;
  // (The scan forward stops at the next number, not at a digit that begins a word: "1 Gbps of 3DES IPsec VPN throughput".)
  while (to < lower.length && to - end < 32 && !CLAUSE_BREAK.test(lower[to] as string) && !(/\d/.test(lower[to] as string) && !DIGIT_WORD.test(lower.slice(to, to + 4)))) to++;
  // A figure that opens a bracket glosses what stands before it ("USB 1.x full speed (12 Mbit/s)"):
  // the label is read from the clause before the bracket, whatever numbers it holds.
  if (from > 0 && BRACKET_OPEN.test(lower[from - 1] as string) && /^\s*$/.test(lower.slice(from, figureStart))) {
    const bracket = from - 1;
    let clauseStart = bracket;
    while (clauseStart > 0 && bracket - clauseStart < 40 && !CLAUSE_BREAK.test(lower[clauseStart - 1] as string)) clauseStart--;
    const glossed = nearestOf(labels.filter((l) => l.start >= clauseStart && l.end <= bracket), (l) => bracket - l.end);
    if (glossed) return { kind: glossed, from: "clause" };
  }
  if (keyFrom >= 0) {
    const key = nearestOf(labels.filter((l) => l.start >= from && l.end <= keyFrom), (l) => keyFrom - l.end);
    if (key) return { kind: key, from: "key" };
  }
  const near = nearestOf(
    labels.filter((l) => (l.end <= figureStart && l.start >= from) || (l.start >= end && l.end <= to)),
    (l) => (l.end <= figureStart ? figureStart - l.end : l.start - end),
  );
  return near ? { kind: near, from: "clause" } : { kind: "unqualified", from: "none" };
}

/**
 * A software word that says something of the product rather than name the item (rules 10, 14 and 19): the
 * key of a field about its firmware ("Firmware version: 5.3", "固件版本：1.3"), a version outside the
 * product's name ("Firmware: SMA 1000 12.4", "both on firmware 7.1.0" — in the name, "Luna HSM firmware
 * 7.7", the version is the item's own), or an adjective ("software-defined", "软件定义").
 */
function describesTheProduct(lower: string, h: Hit, naming: { start: number; end: number }, cue: CompiledCues): boolean {
  const after = lower.slice(h.end, h.end + 32);
  return cue.versionKeyAfter.test(after) || SOFTWARE_AS_ADJECTIVE.test(after) || (VERSION_AFTER.test(after) && !within(h, naming));
}
const VERSION_AFTER = /^\s*[:：]?\s*(?:[a-z0-9][a-z0-9-]*\s+){0,3}v?\d+\.\d+/;
const SOFTWARE_AS_ADJECTIVE = /^(?:[-\s]?defined|定义)/;
/** A digit that begins an algorithm's or a standard's name ("3des", "4g"), not a number. */
const DIGIT_WORD = /^\d[a-z]{2,}/;
const BRACKET_CLOSE = /[)）]/;
/** A short bracketed condition ending a string ("(1518 字节 UDP)"), no sentence break inside. */
const ASIDE_ENDING = /[(（][^()（）;；。!?！？\n]{0,19}[)）]$/;
/** The longest bracketed condition passed over between a label and its figure, brackets included. */
const ASIDE_MAX = 21;

/** A digit that starts a number; one inside a word ("SM4 15Gbps", "IPv4") is part of that word. */
function numberAt(lower: string, i: number): boolean {
  // …and so is a version written with a wildcard ("USB 1.x", "TLS 1.x").
  return /\d/.test(lower[i] as string) && !/[a-z]/.test(lower[i - 1] ?? "") && !/^\d\.x\b/.test(lower.slice(i, i + 4));
}

/** "4 Gbps each", "单台 4 Gbps": one unit's figure; "12 Gbps together", "集群 12 Gbps": a cluster's (reading rule 1). */
function unitScope(lower: string, start: number, end: number, cue: CompiledCues): RateFound["scope"] {
  const { from, to } = clauseAround(lower, { start, end }, 24, 16);
  const around = lower.slice(from, start) + " " + lower.slice(end, to);
  if (cue.perUnit.test(around)) return "unit";
  if (cue.aggregate.test(around)) return "aggregate";
  return null;
}

/** The kind of the closest label; at equal distance a "not encryption" label wins, so port speed is never taken for a crypto rate. */
function nearestOf(labels: TermHit<Extract<Tag, { k: "rateLabel" }>>[], distance: (l: TermHit<Extract<Tag, { k: "rateLabel" }>>) => number): RateKind | null {
  let best: RateKind | null = null;
  let bestDistance = Infinity;
  for (const l of labels) {
    const d = distance(l);
    if (d < bestDistance || (d === bestDistance && l.tag.kind === "not_encryption")) {
      best = l.tag.kind;
      bestDistance = d;
    }
  }
  return best;
}

const COUNT = new RegExp(String.raw`(?<![A-Za-z0-9.])` + QUANTITY.source, "g");

/** "管理对象数量5000个", "可管理1万个密钥对象", "2 million managed objects", "up to 10,000 keys". */
function extractManagedObjects(
  norm: NormalisedText,
  labels: readonly Hit[],
): { value: number; evidence: Evidence }[] {
  const found: { value: number; evidence: Evidence }[] = [];
  if (labels.length === 0) return found;
  for (const m of allMatches(COUNT, norm.text)) {
    const value = parseQuantity(m[1] as string, m[2]);
    // Objects are counted in whole numbers: "4.2 密钥管理" is a clause number, "1.5万个密钥" is 15,000.
    if (value === null || !Number.isInteger(value)) continue;
    const start = m.index;
    const end = start + m[0].length;
    const after = /^\s*(?:个|组|份)?\s*/.exec(norm.lower.slice(end)) as RegExpExecArray;
    const labelAfter = labels
      .filter((l) => l.start === end + after[0].length)
      .sort((a, b) => b.end - a.end)[0];
    const labelBefore = labels.find((l) => l.end <= start && start - l.end <= 8 && !/[\d,;，；。()（）]/.test(norm.lower.slice(l.end, start)));
    const label = labelAfter ?? labelBefore;
    if (!label) continue;
    found.push({ value, evidence: evidenceOf(norm, Math.min(start, label.start), Math.max(end, label.end)) });
  }
  return found;
}

/**
 * Sectors, and whether the product is dedicated to them: a dedication word in the same sentence
 * shortly before ("specially designed for power-grid dispatching", "专门用于电力"), or the sector
 * naming the product itself ("金融数据密码机").
 */
function extractSectors(
  norm: NormalisedText,
  sectorHits: readonly TermHit<Extract<Tag, { k: "sector" }>>[],
  dedicationHits: readonly Hit[],
  typeHits: readonly TermHit<Extract<Tag, { k: "type" }>>[],
): SectorFound[] {
  return sectorHits.map((s) => {
    if (s.tag.product) return { sector: s.tag.sector, dedicated: true, product: true, evidence: evidenceOfHit(norm, s), dedicationEvidence: evidenceOfHit(norm, s) };
    const dedication =
      dedicationHits.find(
        (d) =>
          d.end <= s.start + 2 &&
          s.start - d.end <= 40 &&
          !SENTENCE_BREAK.test(norm.lower.slice(d.end, s.start)),
      ) ??
      dedicationHits.find((d) => d.start >= s.end && d.start - s.end <= 2) ??
      // "电能表用安全模块", "银行用加密机": a sector's word, then 用 and a product's name, names what the product is made for.
      (FOR_THE_NEXT_WORD.test(norm.lower.slice(s.end, s.end + 2)) && typeHits.some((t) => t.tag.strength === "primary" && t.start >= s.end && t.start - s.end <= 24) ? s : undefined) ??
      // (A phone or radio named for the police is a phone, read on the import list: rule 15.)
      typeHits.find(
        (t) =>
          t.tag.strength === "primary" &&
          !QUALIFIABLE_HOSTS.has(t.tag.type) &&
          ((t.start >= s.end && t.start - s.end <= 3) || (t.start <= s.start && t.end >= s.end)),
      );
    return {
      sector: s.tag.sector,
      dedicated: dedication !== undefined,
      product: false,
      evidence: evidenceOfHit(norm, s),
      dedicationEvidence: dedication ? evidenceOfHit(norm, dedication) : null,
    };
  });
}
