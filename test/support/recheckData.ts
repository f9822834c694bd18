import type { ListData } from "../../src/data/loadListData.ts";

/** The date the bundled records are classified on, and "today" of the re-check, after the new edition starts. */
export const BEFORE = "2026-06-01";
export const TODAY = new Date("2027-02-01T04:00:00Z");

/**
 * The bundled list data with a later export edition: export-2024 copied as export-2027, in force from
 * 2027-01-01, with one threshold moved — the 5A002.c encrypted-communication rate from 10 to 20 Gbps.
 */
export function withLaterExportEdition(data: ListData): ListData {
  const editions = structuredClone(data.editions);
  const current = editions.find((e) => e.id === "export-2024");
  if (!current) throw new Error("export-2024 is not in the bundled data");
  const later = structuredClone(current);
  current.effectiveTo = "2026-12-31";
  Object.assign(later, { id: "export-2027", effectiveFrom: "2027-01-01", effectiveTo: null });
  const vpn = later.entries.find((e) => e.id === "5A002.c");
  const rate = vpn?.criteria.find((c) => c.kind === "rate");
  if (!rate || rate.kind !== "rate") throw new Error("5A002.c has no rate criterion");
  rate.anyOf = rate.anyOf.map((t) => ({ ...t, min: 20 }));
  return { editions: [...editions, later], vocabulary: data.vocabulary };
}

/** Inputs stored before the new edition: which of them the moved threshold changes. */
export const ITEMS = {
  vpn12: { description: "IPSec VPN gateway, AES-256, throughput 12 Gbps", affected: true },
  vpn25: { description: "IPSec VPN gateway, AES-256, throughput 25 Gbps", affected: false },
  hsm: { description: "Network HSM appliance, SM4 encryption rate 15 Gbps, SM2 signature 80000 tps", affected: false },
  phone: { description: "Smartphone with AES encryption", affected: false },
  vpnOpen: { description: "IPSec VPN gateway, AES-256", affected: false },
} as const;
