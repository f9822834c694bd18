import type { Evidence, Parameters, RateFound, SetAside, TextShape, TraceStep } from "./extract.ts";

const SHAPES: Record<TextShape, string> = {
  declaration_elements: "customs declaration elements (key:value|key:value): a figure and a 无 belong to their key",
  table: "a table pasted from a PDF: a figure that opens a cell belongs to the label before it",
  lines: "one feature a line: a line break ends a clause",
  prose: "prose: a figure takes the nearest label of its clause",
};

const KINDS: Record<Parameters["itemKind"], string> = {
  hardware: "goods (hardware)",
  software: "software",
  technology: "technology",
  service: "a service, not goods",
  publication: "a published work (public-domain technology)",
};

/** Words of the text, each wording once, as a reason or a trace line quotes them ("fax", not "fax", "fax"). */
export function quoted(list: readonly Evidence[]): string {
  // Most quote one wording: it needs no set of those seen.
  if (list.length === 1) return `“${(list[0] as Evidence).text}”`;
  const seen = new Set<string>();
  const words: string[] = [];
  for (const e of list) {
    const key = e.text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    words.push(`“${e.text}”`);
  }
  return words.join(", ");
}
const step = (name: string, rules: string | null, found: string[]): TraceStep[] => (found.length > 0 ? [{ step: name, rules, found }] : []);

function rateLine(r: RateFound): string {
  const unit = r.unit === "Gbps" ? "Gbps" : "/s";
  const tie = r.labelFrom === "key" ? "the key of its field" : r.labelFrom === "clause" ? "the nearest label of its clause" : "no label in its clause";
  const value = r.low !== null ? `${r.low}–${r.value} ${unit} (a family's range)` : `${r.value} ${unit}`;
  const scope = r.scope === "aggregate" ? ", a cluster's total" : r.scope === "unit" ? ", one unit's" : "";
  return `“${r.evidence.text}” = ${value}${r.lowerBound ? " (at least: a stated minimum)" : ""}${scope}, ${r.kind.replace(/_/g, " ")}, from ${tie}`;
}

/**
 * The reading of one description as steps a user can follow: which step found what, from which of
 * their words, under which reading rule. Built from the finished parameters and what the steps set
 * aside, so it costs nothing unless asked for.
 */
export function traceOf(p: Parameters, aside: SetAside): TraceStep[] {
  return [
    { step: "shape", rules: "19, 20", found: [SHAPES[p.shape]] },
    ...step("naming phrase", "10", aside.namingPhrase ? [`“${aside.namingPhrase.text}”: the product's name, whose last product word is its head`] : []),
    ...step("masked phrases", null, aside.masked.length > 0 ? [`${quoted(aside.masked)}: inside a phrase that is not cryptography (a cipher lock, ECC memory…)`] : []),
    ...step("negated", null, p.negated.length > 0 ? [quoted(p.negated)] : []),
    ...step("protective words", "13", p.protective.length > 0 ? [`${quoted(p.protective)}: how the product defends itself`] : []),
    ...step("objects of the product", "10", aside.objects.length > 0 ? [`${quoted(aside.objects)}: named as what the product works with`] : []),
    ...step("what the product works with", "10", p.worksWith.length > 0 ? [`${quoted(p.worksWith)}: another listed item, outside a name with a listed head, or before the head of a compound`] : []),
    ...step("qualified phone or fax", "15", p.qualifiedHosts.length > 0 ? [`${quoted(p.qualifiedHosts)}: an encryption word names the product, or it encrypts what it transmits`] : []),
    ...step("phone or fax encrypting stored data only", "15", p.storedDataOnly.length > 0 ? [`${quoted(p.storedDataOnly)}: the encryption named protects what it stores, not what it transmits`] : []),
    ...step("attacks beside a general-purpose product", "10, 13", p.attacksAside.length > 0 ? [`${quoted(p.attacksAside)}: what the product resists or the text discusses, not what it is`] : []),
    ...step("types answered no", "19", p.deniedTypes.length > 0 ? [`${quoted(p.deniedTypes)}: the spec says the product is not one`] : []),
    ...step("sector equipment", "12", p.sectorEquipment ? [`“${p.sectorEquipment.text}”: the product's head names a sector's own equipment${p.listedParts.length > 0 ? `, with ${quoted(p.listedParts)} as parts of it` : ", which may contain a listed part"}`] : []),
    ...step("part or accessory", "10", p.partHead ? [`“${p.partHead.text}”: a part heads the name; the listed products named are what it fits`] : []),
    ...step("general-purpose product", "11", p.generalProduct ? [`“${p.generalProduct.text}”: the product's head names a general-purpose product; its crypto is a feature`] : []),
    ...step("connectivity chip", "11", p.connectivityChip ? [`“${p.connectivityChip.text}”: the chip implements a wireless standard; its crypto is a feature`] : []),
    ...step("product types", "10, 11", p.types.map((t) => `${t.type.replace(/_/g, " ")} (${t.strength}): “${t.evidence.text}”`)),
    { step: "what the item is", rules: "10, 14, 17, 21", found: [`${KINDS[p.itemKind]}${p.itemKindEvidence ? `, named by “${p.itemKindEvidence.text}”` : ""}`] },
    ...step(
      "algorithms",
      null,
      p.algorithms.map((a) => `${a.name} “${a.evidence.text}”${a.keyBits === null ? "" : `, ${a.keyBits} bits (${a.keyBitsFrom === "stated" ? "stated" : "fixed by the algorithm"})`}${a.counted ? "" : ", not counted by the key-length test"}`),
    ),
    ...step("rates", "1–4, 6–8, 19, 20", p.rates.map(rateLine)),
    ...step("managed objects", "7", p.managedObjects.map((m) => `“${m.evidence.text}” = ${m.value}`)),
    ...step("sectors", null, p.sectors.map((s) => `${s.sector.replace(/_/g, " ")} “${s.evidence.text}”${s.dedicated ? `, dedicated (“${s.dedicationEvidence?.text ?? s.evidence.text}”)` : ", a user of the product, not a dedication"}`)),
    ...step("consumer words", "16", [
      ...(p.massMarket.strong.length > 0 ? [`consumer or retail: ${quoted(p.massMarket.strong)}`] : []),
      ...(p.massMarket.weak.length > 0 ? [`consumer product types: ${quoted(p.massMarket.weak)}`] : []),
      ...(aside.consumerObjects.length > 0 ? [`${quoted(aside.consumerObjects)}: what the item goes into, not the item`] : []),
      ...(p.enterprise.length > 0 ? [`enterprise words: ${quoted(p.enterprise)}`] : []),
    ]),
    ...step("public domain", "14, 17", p.publicDomain.length > 0 ? [quoted(p.publicDomain)] : []),
  ];
}
