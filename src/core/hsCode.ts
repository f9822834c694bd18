/**
 * Customs codes as people type them: "8517.62", "8517 62 29 20", "8543709950".
 * Returns the digits, or null when what is left is not 2–10 digits.
 */
export function normaliseHsCode(raw: string): string | null {
  const digits = raw.normalize("NFKC").replace(/[\s.\-_]/g, "");
  return /^\d{2,10}$/.test(digits) ? digits : null;
}
