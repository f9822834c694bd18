import type { Direction } from "../core/listSchema.ts";
import type { Bilingual, Outcome } from "../core/result.ts";
import type { ClassificationRecord } from "../store/classificationStore.ts";

/**
 * The licence-application worksheet: the fields of a dual-use licence application that a
 * classification can fill, each with where its value came from, and blanks for the rest.
 * Built only from the stored record, so it reads the same however the list data changes later.
 */

export type FieldSource =
  | { kind: "input"; evidence: string[] }
  | { kind: "classification"; edition: string; entry: string | null }
  | { kind: "regulation"; citation: Bilingual }
  | { kind: "blank" };

export interface WorksheetField {
  readonly key: string;
  readonly label: Bilingual;
  readonly value: Bilingual | null;
  readonly source: FieldSource;
}

export interface WorksheetSection {
  readonly direction: Direction;
  readonly verdict: Outcome["verdict"];
  /** Whether this direction needs an application at all (licence likely, or not yet settled). */
  readonly applies: boolean;
  readonly fields: WorksheetField[];
  readonly documents: { readonly document: Bilingual; readonly source: Bilingual }[];
}

export interface Worksheet {
  readonly classificationId: string;
  readonly permalink: string;
  readonly decidedAt: string;
  readonly asOf: string;
  readonly engineVersion: string;
  readonly sections: WorksheetSection[];
  /** What the applicant fills in: the classifier cannot know these. */
  readonly blanks: WorksheetField[];
}

const bi = (en: string, zh: string): Bilingual => ({ en, zh });
const same = (text: string): Bilingual => ({ en: text, zh: text });

/** 商用密码管理条例 (2023) Art. 34 for imports; 两用物项出口管制条例 Art. 16 for exports. */
const ART_34 = bi("Commercial Cryptography Regulations (2023) Art. 34", "《商用密码管理条例》（2023）第三十四条");
const ART_16 = bi("Regulation on Export Control of Dual-use Items Art. 16", "《两用物项出口管制条例》第十六条");
const DOCUMENTS: Record<Direction, { document: Bilingual; source: Bilingual }[]> = {
  import: [
    { document: bi("Written application", "书面申请"), source: ART_34 },
    { document: bi("Identity documents of the legal representative, principal manager and handler", "法定代表人、主要经营管理人以及经办人的身份证明"), source: ART_34 },
    { document: bi("Copy of the contract or agreement", "合同或者协议的副本"), source: ART_34 },
    { document: bi("Technical description of the commercial cryptography", "商用密码的技术说明"), source: ART_34 },
    { document: bi("End-user and end-use certificates", "最终用户和最终用途证明"), source: ART_34 },
    { document: bi("Other documents MOFCOM requires", "商务部规定提交的其他文件"), source: ART_34 },
  ],
  export: [
    { document: bi("Dual-use items export application form", "两用物项出口申请表"), source: ART_16 },
    { document: bi("Identity documents of the legal representative, principal manager and handler", "申请人的法定代表人、主要经营管理人以及经办人的身份证明"), source: ART_16 },
    { document: bi("Copy of the contract, agreement or other proof", "合同、协议的副本或者其他证明文件"), source: ART_16 },
    { document: bi("Technical description or test report of the item", "两用物项的技术说明或者检测报告"), source: ART_16 },
    { document: bi("End-user and end-use certificates", "最终用户和最终用途证明"), source: bi("Regulation on Export Control of Dual-use Items Arts. 16, 24", "《两用物项出口管制条例》第十六条、第二十四条") },
    { document: bi("Other materials MOFCOM requires", "商务部规定提交的其他材料"), source: ART_16 },
  ],
};

const BLANKS: [string, Bilingual][] = [
  ["applicant", bi("Applicant (name, unified social credit code)", "申请人（名称、统一社会信用代码）")],
  ["legalRepresentative", bi("Legal representative, principal manager, handler", "法定代表人、主要经营管理人、经办人")],
  ["counterparty", bi("Foreign party (importer/exporter), consignee/consignor", "境外当事人（进/出口商）、收/发货人")],
  ["endUser", bi("End user (name, address, country)", "最终用户（名称、地址、国家或地区）")],
  ["endUse", bi("End use", "最终用途")],
  ["contractNo", bi("Contract number", "合同号")],
  ["model", bi("Model and specification", "规格型号")],
  ["quantity", bi("Quantity and unit", "数量及计量单位")],
  ["value", bi("Unit price, total value, currency", "单价、总值、币制")],
  ["country", bi("Country or region of origin / destination", "原产地或目的国（地区）")],
  ["port", bi("Port of clearance", "报关口岸")],
  ["tradeMode", bi("Trade mode", "贸易方式")],
];

export function buildWorksheet(record: ClassificationRecord, permalink: string): Worksheet {
  const p = record.parameters;
  const fromInput = (evidence: { text: string }[]): FieldSource => ({ kind: "input", evidence: evidence.map((e) => e.text) });

  const technical: WorksheetField[] = [];
  const counted = p.algorithms.filter((a) => a.counted);
  if (counted.length > 0) {
    technical.push({
      key: "algorithms",
      label: bi("Algorithms and key lengths", "密码算法及密钥长度"),
      value: same(counted.map((a) => (a.keyBits ? `${a.name} ${a.keyBits}-bit` : a.name)).join(", ")),
      source: fromInput(counted.map((a) => a.evidence)),
    });
  }
  const rateGroups: [string, Bilingual, (r: (typeof p.rates)[number]) => boolean][] = [
    ["symmetricRate", bi("Symmetric encryption/decryption rate", "对称加解密速率"), (r) => r.unit === "Gbps" && r.kind === "symmetric"],
    ["vpnRate", bi("Encrypted communication (VPN) rate", "加密通信速率"), (r) => r.unit === "Gbps" && r.kind === "encrypted_communication"],
    ["signatureRate", bi("Asymmetric signature rate", "非对称签名速率"), (r) => r.unit === "tps" && r.kind === "signature"],
    ["otherRate", bi("Other stated rates (not encryption rates, or unlabelled)", "其他速率（非加密速率或未注明）"), (r) => r.kind === "not_encryption" || r.kind === "unqualified"],
  ];
  for (const [key, label, pick] of rateGroups) {
    const rates = p.rates.filter(pick);
    if (rates.length === 0) continue;
    technical.push({
      key,
      label,
      value: same(rates.map((r) => `${Math.round(r.value * 1000) / 1000} ${r.unit}`).join(", ")),
      source: fromInput(rates.map((r) => r.evidence)),
    });
  }
  if (p.managedObjects.length > 0) {
    technical.push({
      key: "managedObjects",
      label: bi("Managed objects", "管理对象数量"),
      value: same(String(Math.max(...p.managedObjects.map((m) => m.value)))),
      source: fromInput(p.managedObjects.map((m) => m.evidence)),
    });
  }
  if (p.sectors.length > 0) {
    technical.push({
      key: "sector",
      label: bi("Sector", "应用领域"),
      value: same([...new Set(p.sectors.map((s) => s.evidence.text))].join(", ")),
      source: fromInput(p.sectors.map((s) => s.evidence)),
    });
  }
  const quantum = p.types.filter((t) => t.type === "quantum_crypto");
  if (quantum.length > 0) {
    technical.push({ key: "quantum", label: bi("Quantum cryptography", "量子密码"), value: bi("yes", "是"), source: fromInput(quantum.map((t) => t.evidence)) });
  }

  const sections: WorksheetSection[] = (["import", "export"] as const).map((direction) => {
    const o = record[direction];
    const edition = o.edition;
    const fromClassification: FieldSource = { kind: "classification", edition: edition?.id ?? "", entry: o.entry?.id ?? null };
    const fields: WorksheetField[] = [];
    if (o.entry && edition) {
      fields.push(
        { key: "itemName", label: bi("Item name (list)", "物项名称（清单）"), value: bi(o.entry.nameEn, o.entry.nameZh), source: fromClassification },
        { key: "listEntry", label: bi("List and entry", "清单及条目"), value: bi(`${edition.titleEn} — ${o.entry.id}`, `${edition.titleZh} — ${o.entry.id}`), source: fromClassification },
        { key: "instrument", label: bi("Instrument", "依据文件"), value: bi(edition.instrumentEn, edition.instrumentZh), source: fromClassification },
      );
    }
    const hs = record.input.hsCode;
    fields.push({
      key: "hsCode",
      label: bi("HS code (10-digit)", "商品编号（10位）"),
      value: hs ? same(hs) : o.entry && o.entry.hsCodes.length > 0 ? same(`${o.entry.hsCodes.join(" / ")} (reference)`) : null,
      source: hs ? { kind: "input", evidence: [hs] } : o.entry && o.entry.hsCodes.length > 0 ? fromClassification : { kind: "blank" },
    });
    if (edition) {
      fields.push(
        { key: "licence", label: bi("Licence", "许可证"), value: bi(edition.licenceEn, edition.licenceZh), source: fromClassification },
        { key: "authority", label: bi("Authority", "审批机关"), value: bi(edition.authorityEn, edition.authorityZh), source: fromClassification },
      );
    }
    return {
      direction,
      verdict: o.verdict,
      applies: o.verdict === "licence_required" || o.verdict === "needs_info",
      fields: [...fields, ...technical],
      documents: DOCUMENTS[direction],
    };
  });

  return {
    classificationId: record.id,
    permalink,
    decidedAt: record.createdAt,
    asOf: record.asOf,
    engineVersion: record.engineVersion,
    sections,
    blanks: BLANKS.map(([key, label]) => ({ key, label, value: null, source: { kind: "blank" } })),
  };
}
