import { z } from "zod";

/**
 * The shape of a list edition (data/lists/*.json). The engine reads only these
 * structures, so every fact it relies on is validated before the app starts.
 */

export const Confidence = z.enum(["CONFIRMED", "LIKELY", "UNCERTAIN"]);
export type Confidence = z.infer<typeof Confidence>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD");

export const Source = z.object({
  url: z.url(),
  title: z.string().min(1),
});
export type Source = z.infer<typeof Source>;

/** Bilingual text: the Chinese is the authority, the English a working translation. */
const zhEn = {
  textZh: z.string().min(1),
  textEn: z.string().min(1),
};

/** What a product is, as far as the lists care. Entries name the types they cover. */
export const ProductTypeId = z.enum([
  "encrypted_phone",
  "encrypted_fax",
  "cipher_machine",
  "vpn_equipment",
  "security_chip",
  "key_management",
  "sector_crypto_equipment",
  "quantum_crypto",
  "cryptanalysis",
  "crypto_production_equipment",
  "crypto_test_equipment",
  "crypto_software",
  "crypto_technology",
]);
export type ProductTypeId = z.infer<typeof ProductTypeId>;

export const SectorId = z.enum(["power", "taxation", "public_security", "finance"]);
export type SectorId = z.infer<typeof SectorId>;

export const RateMeasure = z.enum(["symmetric_gbps", "encrypted_communication_gbps", "signature_tps"]);
export type RateMeasure = z.infer<typeof RateMeasure>;

const AlgorithmCriterion = z.object({
  kind: z.literal("algorithm"),
  /** "64位以上密钥长度的对称密码算法" etc.; thresholds are inclusive ("以上" read as ≥). */
  symmetricMinBits: z.number().int().positive(),
  integerFactorisationMinBits: z.number().int().positive(),
  ellipticCurveMinBits: z.number().int().positive(),
  ...zhEn,
});

const RateCriterion = z.object({
  kind: z.literal("rate"),
  /** Passes when any one of the measures reaches its minimum (inclusive). */
  anyOf: z.array(z.object({ measure: RateMeasure, min: z.number().positive() })).min(1),
  ...zhEn,
});

const ManagedObjectsCriterion = z.object({
  kind: z.literal("managedObjects"),
  min: z.number().int().positive(),
  ...zhEn,
});

const SectorCriterion = z.object({
  kind: z.literal("sectorDedicated"),
  sectors: z.array(SectorId).min(1),
  ...zhEn,
});

const QuantumCriterion = z.object({ kind: z.literal("quantum"), ...zhEn });
const CryptanalysisCriterion = z.object({ kind: z.literal("cryptanalysis"), ...zhEn });

const SpeciallyDesignedCriterion = z.object({
  kind: z.literal("speciallyDesigned"),
  /** Entry ids (in the same edition) the item must be specially designed for. */
  forEntries: z.array(z.string().min(1)).min(1),
  ...zhEn,
});

/** Software and technology notes: public-domain or freely retailed items are outside the entry. */
const NotPublicDomainCriterion = z.object({ kind: z.literal("notPublicDomain"), ...zhEn });

export const LeafCriterion = z.discriminatedUnion("kind", [
  AlgorithmCriterion,
  RateCriterion,
  ManagedObjectsCriterion,
  SectorCriterion,
  QuantumCriterion,
  CryptanalysisCriterion,
  SpeciallyDesignedCriterion,
  NotPublicDomainCriterion,
]);
export type LeafCriterion = z.infer<typeof LeafCriterion>;

/** "具有下列特征之一": one level of alternatives (5A002.a: sector-dedicated OR high-performance). */
const AnyOfCriterion = z.object({ kind: z.literal("anyOf"), of: z.array(LeafCriterion).min(2), ...zhEn });

export const Criterion = z.discriminatedUnion("kind", [...LeafCriterion.options, AnyOfCriterion]);
export type Criterion = z.infer<typeof Criterion>;
export type AnyOfCriterion = z.infer<typeof AnyOfCriterion>;

export const HsReference = z.object({
  code: z.string().regex(/^\d{10}$/, "expected a 10-digit customs code"),
  nameZh: z.string().min(1).optional(),
});

export const Note = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  ...zhEn,
  confidence: Confidence,
});
export type Note = z.infer<typeof Note>;

export const Entry = z.object({
  /** "I-3", "1.2", "5A002.b": as the list numbers it (or its position where it has no code). */
  id: z.string().min(1),
  nameZh: z.string().min(1),
  nameEn: z.string().min(1),
  /** The entry's full text (zh authoritative) and working translation (en). */
  ...zhEn,
  /** The main-function or product-type phrase of the entry, e.g. 以实现密码运算为主要功能的设备. */
  scopeZh: z.string().min(1),
  scopeEn: z.string().min(1),
  productTypes: z.array(ProductTypeId).min(1),
  /** True where the list says "以…为主要功能的设备": a product that merely offers the function is not enough. */
  mainFunction: z.boolean(),
  criteria: z.array(Criterion),
  hsCodes: z.array(HsReference),
  unit: z.string().min(1).nullable(),
  confidence: Confidence,
  confidenceNote: z.string().min(1),
  sources: z.array(Source).min(1),
  /** The same item in other editions, e.g. export-2021 "1.2" ↔ export-2024 "5A002.b". */
  equivalents: z.array(z.object({ edition: z.string().min(1), entry: z.string().min(1) })),
});
export type Entry = z.infer<typeof Entry>;

export const Direction = z.enum(["import", "export"]);
export type Direction = z.infer<typeof Direction>;

export const Edition = z.object({
  id: z.string().regex(/^(import|export)-\d{4}$/),
  direction: Direction,
  titleZh: z.string().min(1),
  titleEn: z.string().min(1),
  instrumentZh: z.string().min(1),
  instrumentEn: z.string().min(1),
  effectiveFrom: isoDate,
  /** Last day in force (inclusive); null while still in force. */
  effectiveTo: isoDate.nullable(),
  licenceZh: z.string().min(1),
  licenceEn: z.string().min(1),
  authorityZh: z.string().min(1),
  authorityEn: z.string().min(1),
  confidence: Confidence,
  sources: z.array(Source).min(1),
  notes: z.array(Note),
  entries: z.array(Entry).min(1),
});
export type Edition = z.infer<typeof Edition>;
