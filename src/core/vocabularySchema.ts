import { z } from "zod";
import { ProductTypeId, SectorId } from "./listSchema.ts";

/**
 * The matching vocabulary (data/vocabulary.json). Terms are matched on the normalised,
 * lower-cased text. A term ending in "*" is a stem ("encrypt*" matches "encrypted");
 * a term starting with "=" is matched case-sensitively ("=SEED" is not the word "seed").
 */
const Term = z
  .string()
  .min(1)
  .refine((t) => t.replace(/^=/, "").replace(/\*$/, "").trim().length > 0, "empty term");
const Terms = z.array(Term);

export const AlgorithmFamily = z.enum([
  "symmetric",
  "integer_factorisation",
  "elliptic_curve",
  "discrete_log",
  "hash",
  "mac",
  "post_quantum",
]);
export type AlgorithmFamily = z.infer<typeof AlgorithmFamily>;

export const AlgorithmSpec = z.object({
  /** Display name, e.g. "AES". */
  name: z.string().min(1),
  aliases: Terms.min(1),
  family: AlgorithmFamily,
  /** Fixed or minimum key length in bits; null where the name alone does not tell (RSA, ECDSA). */
  keyBits: z.number().int().positive().nullable(),
  /** True where the spec may state a key length that overrides keyBits (AES-256, RSA-2048). */
  variableKey: z.boolean(),
});
export type AlgorithmSpec = z.infer<typeof AlgorithmSpec>;

export const Vocabulary = z.object({
  productTypes: z.array(
    z.object({
      type: ProductTypeId,
      /** Names of the product itself: "HSM", "服务器密码机". */
      primary: Terms,
      /** Products that may carry the function without it being their main one: "firewall", "手机". */
      hosts: Terms,
      /** Words for the function itself; with a host (or alone) they make a weaker candidate. */
      features: Terms,
      /** True where a feature mention with no host and no other product type is enough for a candidate. */
      featureAlone: z.boolean(),
      /**
       * Hosts the field names by a compound: any modifier right before any head ("IPsec test solution",
       * "测试平台", "检测方案"), so the vocabulary holds the parts rather than every pairing of them.
       */
      compoundHosts: z.object({ modifiers: Terms.min(1), heads: Terms.min(1) }).optional(),
      /** A feature named with an equipment word ("key management facility", "密钥分发中心") names the product itself. */
      compoundPrimaries: z.object({ modifiers: Terms.min(1), heads: Terms.min(1) }).optional(),
    }),
  ),
  /** Words that say the product is crypto in some way ("encrypt*", "加密"): the feature of hosts that need one. */
  cryptoFunction: Terms,
  algorithms: z.array(AlgorithmSpec),
  namedCurves: z.array(z.object({ aliases: Terms.min(1), bits: z.number().int().positive() })),
  sectors: z.array(
    z.object({
      sector: SectorId,
      nameZh: z.string(),
      nameEn: z.string(),
      terms: Terms.min(1),
      /** Products that exist only for the sector ("税控盘", "PIN pad"): naming one names a dedicated product. */
      products: Terms.default([]),
      /**
       * The sector's own equipment ("电能表", "ATM"): it names a hardware item that may contain a listed
       * part (reading rule 12), without saying the item is dedicated cryptography.
       */
      equipment: Terms.default([]),
      /**
       * Chip cards and secure modules that exist only for the sector ("金融IC卡", "PSAM"): security chips
       * dedicated to it (5A002.a.1), not sector equipment.
       */
      chips: Terms.default([]),
    }),
  ),
  /** "专门用于", "specially designed": make a sector mention a dedication. */
  dedication: Terms,
  massMarket: z.object({ strong: Terms, weak: Terms }),
  enterprise: Terms,
  /** "不含", "without": a crypto word right after one of these is negated. */
  negationCues: Terms,
  /** Phrases that contain a cue but negate nothing ("无线" is wireless). */
  notNegations: Terms,
  /** Phrases that look like crypto but are not ("cipher lock", "ECC memory", "密码锁"). */
  exclusions: Terms,
  software: Terms,
  /** Words for goods as hardware ("hardware", "硬件"): negated ("no hardware supplied") they say the item is not goods of that kind. */
  hardware: Terms.default([]),
  technology: Terms,
  /** Technology words that name a chip's design ("IP core", "RTL", "netlist"): with cryptography, the design of a security chip (reading rule 14). */
  chipDesigns: Terms.default([]),
  /**
   * Words that name a design when they end a clause that names an algorithm or what it does ("AES-GCM
   * encrypt/decrypt core", "SM4 core"): an IP core is technology (reading rule 14), not a chip.
   */
  designCores: Terms.default([]),
  publicDomain: Terms,
  /**
   * Words that make an analytic word protective (reading rule 13): "防暴力破解", "brute-force
   * protection", "side-channel resistant" say how a product defends itself, not that it breaks anything.
   * Read in the clause right around a cryptanalysis word, not matched as terms.
   */
  /**
   * Feature words that name a crypto function only after a crypto word in their clause: "SSL offload",
   * "IPsec/SSL卸载", "cryptography offload", not "OVS offload" or "stateless offload engines" (reading rule 11).
   */
  qualifiedFeatures: z.object({ terms: Terms, qualifiers: Terms }).default({ terms: [], qualifiers: [] }),
  protectiveCues: Terms.default([]),
  /**
   * Words before a product name that make it what the product works with, not the product: "test
   * equipment for cipher machines", "调用PCI-E密码卡", "chip for hardware wallets" (reading rule 10).
   */
  objectCues: Terms.default([]),
  /** Words that make a phone or fax word name an encrypting product ("encrypted VoIP phone", "加密IP电话机"). */
  qualifierCues: Terms.default([]),
  /**
   * What a phone or fax sends ("voice", "通话", "transmitted data"): an encryption word in the same
   * clause says it encrypts what it transmits, which makes it an encrypted phone or fax (reading rule 15).
   */
  transmissionCues: Terms.default([]),
  /**
   * What a device stores ("stored data", "硬盘"): a phone or fax whose encryption words stand only with
   * these encrypts data at rest, not what it transmits (reading rule 15).
   */
  storageCues: Terms.default([]),
  /**
   * Keys of a field that lists what the item goes into ("Applications:", "应用：", "适用："): a consumer
   * product named there is where a component is used, not the market the item itself is sold in (rule 16).
   */
  applicationKeys: Terms.default([]),
  /**
   * Words that ask whether the product is a listed type, named in quotes right after them ("这是不是“加密
   * VPN设备”？", "does it count as an "encrypted telephone""): the quoted name cites the list, not the product (rule 10).
   */
  citationCues: Terms.default([]),
  /**
   * Words right after a figure that make it the list's threshold quoted in a question, not the product's
   * own figure ("way under the 50,000 tps line", "没到 10Gbps 的门槛"): reading rule 7.
   */
  thresholdWords: Terms.default([]),
  /**
   * Words that make a software word the key of a field ("Firmware version:", "固件版本："): the field
   * describes the product's firmware, so the software word does not name the item (reading rules 10 and 19).
   */
  versionKeys: Terms.default([]),
  /** Words that ask about a product rather than name one, before "for" ("quote for", "request for"): reading rule 10. */
  requestWords: Terms.default([]),
  /**
   * What makes a crypto accelerator silicon rather than a card (reading rule 11): a process node it is made
   * at, or a chip it is a few words before "in" ("integrated in the SoC", "as hard IP in the FPGA").
   */
  siliconCues: z
    .object({ processNodes: z.array(z.string().regex(/^\d+$/)), embedding: Terms, chips: Terms })
    .default({ processNodes: [], embedding: [], chips: [] }),
  /** Answers after a key's colon that negate the key ("加密功能：无", "Encryption: none"). */
  negativeAnswers: Terms.default([]),
  /**
   * Whether a figure is one unit's or a cluster's (reading rule 1): "4 Gbps each", "单台" vs "12 Gbps
   * together", "集群". Read in the figure's clause.
   */
  unitScope: z.object({ aggregate: Terms, perUnit: Terms }).default({ aggregate: [], perUnit: [] }),
  /** A requirement's minimum, written before a figure ("不低于", "at least") or after it ("以上"): reading rule 6. */
  lowerBounds: z.object({ before: Terms, after: Terms }).default({ before: [], after: [] }),
  /** Words that name a service rather than goods ("cloud HSM", "阿里云", "SaaS"): reading rule 21. */
  services: Terms.default([]),
  /**
   * A deal that says no goods change hands: a negation, a verb of selling, buying or carrying, and a
   * word for goods, in one clause ("no equipment is sold", "不采购、不运输任何设备", "不向我方销售注入设备").
   * What such a text asks about is a service, not goods (reading rule 21), unless software is what moves.
   */
  goodsDenials: z.object({ negations: Terms, verbs: Terms, goods: Terms }).default({ negations: [], verbs: [], goods: [] }),
  /**
   * "只交付软件", "只发授权文件", "only send the licence": the software, technology or publication named
   * right after says what moves, whatever equipment the text names besides (reading rules 14 and 21).
   */
  onlyShipped: Terms.default([]),
  /**
   * Words that name a published work ("论文", "conference paper", "专利", "tutorial"): a publication
   * is public-domain technology, not an item on the lists (reading rules 14 and 17).
   */
  publications: Terms.default([]),
  /**
   * Products whose main function is not information security (a microcontroller, a processor, a
   * wireless module): named as the product's head, their crypto blocks are features of it (rule 11).
   */
  generalProducts: Terms.default([]),
  /**
   * Wireless standards a chip implements as its main function ("Wi-Fi", "蓝牙", "Zigbee", "NB-IoT"): a chip
   * named only as a chip ("芯片", "IC") in a text that names one is a connectivity chip, and its AES or
   * RSA blocks are features of it (reading rule 11).
   */
  connectivityStandards: Terms.default([]),
  /**
   * Parts and accessories with no cryptographic function of their own (a fan, a power supply, a
   * transceiver, a cable): heading the name, or ending a compound after a listed product's name
   * ("HSM 风扇模块"), they are the item, and the listed product is what they fit (reading rule 10).
   */
  parts: Terms.default([]),
  rateLabels: z.object({
    symmetric: Terms,
    encryptedCommunication: Terms,
    signature: Terms,
    notEncryption: Terms,
  }),
  managedObjects: Terms,
});
export type Vocabulary = z.infer<typeof Vocabulary>;
