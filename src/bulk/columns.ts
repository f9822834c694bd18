/** Which input column holds what. Indexes into the header row; null where there is none. */
export interface ColumnMapping {
  readonly description: number | null;
  readonly hsCode: number | null;
  readonly sku: number | null;
  readonly asOf: number | null;
}

export type MappedField = keyof ColumnMapping;

/** Header names seen in ERP and Excel exports, English and Chinese, most specific first. */
const HEADER_NAMES: Record<MappedField, string[]> = {
  description: [
    "description", "product description", "goods description", "item description", "product name", "product", "item name",
    "name", "title", "spec", "specification", "specifications", "desc", "品名", "商品名称", "货物名称", "产品名称", "物料名称",
    "物料描述", "规格型号", "规格", "产品描述", "商品描述", "描述", "名称", "型号规格",
  ],
  hsCode: [
    "hs code", "hscode", "hs", "hs_code", "hs-code", "hts", "hts code", "tariff code", "commodity code", "customs code",
    "商品编码", "海关编码", "hs编码", "税则号", "税号", "商品编号", "海关商品编码",
  ],
  sku: ["sku", "id", "item", "item no", "item number", "part number", "part no", "material", "material number", "article",
    "料号", "物料编码", "物料号", "商品编号sku", "货号", "编号", "序号", "产品编码"],
  asOf: ["as of", "asof", "as_of", "date", "decision date", "shipment date", "export date", "import date", "日期", "适用日期", "申报日期", "出口日期", "进口日期"],
};

const clean = (h: string) => h.replace(/^\ufeff/, "").trim().toLowerCase().replace(/\s+/g, " ");

/** Latin names must stand as words ("hts" is not in "weights"); Chinese names may sit inside others. */
function containsName(header: string, wanted: string): boolean {
  if (!/^[a-z]/.test(wanted)) return header.includes(wanted);
  const at = header.indexOf(wanted);
  if (at < 0) return false;
  const before = header[at - 1];
  const after = header[at + wanted.length];
  return (before === undefined || !/[a-z0-9]/.test(before)) && (after === undefined || !/[a-z0-9]/.test(after));
}

/** Finds the columns from the header row; an exact name beats a name that merely contains one. */
export function detectColumns(header: readonly string[]): ColumnMapping {
  const names = header.map(clean);
  const taken = new Set<number>();
  const find = (field: MappedField): number | null => {
    for (const wanted of HEADER_NAMES[field]) {
      const i = names.findIndex((n, idx) => !taken.has(idx) && n === wanted);
      if (i >= 0) return i;
    }
    for (const wanted of HEADER_NAMES[field]) {
      if (wanted.length < 3) continue;
      const i = names.findIndex((n, idx) => !taken.has(idx) && containsName(n, wanted));
      if (i >= 0) return i;
    }
    return null;
  };
  const mapping: Record<MappedField, number | null> = { description: null, hsCode: null, sku: null, asOf: null };
  for (const field of ["hsCode", "description", "sku", "asOf"] as const) {
    const i = find(field);
    if (i !== null) taken.add(i);
    mapping[field] = i;
  }
  return mapping;
}

/** True when the first row looks like data rather than names (no column could be recognised). */
export function looksHeaderless(mapping: ColumnMapping): boolean {
  return mapping.description === null && mapping.hsCode === null;
}
