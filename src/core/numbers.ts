/**
 * Quantities as specs write them: "10,000", "50 000" (spaces as thousands separators, as in
 * SI style), "1.5", "2万", "50k", "2 million". Group 1 is the number, group 2 the optional multiplier.
 */
// A space-separated group is not taken for thousands after an algorithm or key size ("AES 256 128 Gbps").
export const QUANTITY =
  /((?:\d+(?:\.\d+)?\s*[x×*]\s*)?10\^\d{1,2}|(?<![\d.])十(?=万)|\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<!(?:[Aa][Ee][Ss]|[Rr][Ss][Aa]|[Ee][Cc][Cc]|[Ss][Mm]\d|[Bb]its?|位)[-\s]?)\d{1,3}(?: \d{3})+(?!\d)|\d+(?:\.\d+)?)\s*(万|千|亿|[kK](?![A-Za-z])|[wW](?![A-Za-z])|thousand|million|billion)?/;

const MULTIPLIERS: Record<string, number> = {
  万: 10_000,
  千: 1_000,
  亿: 100_000_000,
  k: 1_000,
  // "2W", "3w次/秒": the field's shorthand for 万 (reading rule 8).
  w: 10_000,
  thousand: 1_000,
  million: 1_000_000,
  billion: 1_000_000_000,
};

export function parseQuantity(number: string, multiplier: string | undefined): number | null {
  // "10^5", "1.2×10^5": powers of ten, as papers and datasheets write them (reading rule 8).
  const power = /^(?:(\d+(?:\.\d+)?)\s*[x×*]\s*)?10\^(\d{1,2})$/.exec(number.trim());
  // "十万" (100,000) is written with a Chinese numeral (reading rule 8).
  const digits = number.trim() === "十" ? "10" : number.replace(/[, ]/g, "");
  const value = power ? Number(power[1] ?? 1) * 10 ** Number(power[2]) : Number(digits);
  if (!Number.isFinite(value)) return null;
  const factor = multiplier ? (MULTIPLIERS[multiplier.toLowerCase()] ?? 1) : 1;
  return value * factor;
}
