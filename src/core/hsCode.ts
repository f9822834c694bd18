/**
 * Customs codes as people type them: "8517.62", "8517 62 29 20", "8543709950".
 * Returns the digits, or null when what is left is not 2–10 digits.
 */
export function normaliseHsCode(raw: string): string | null {
  // Most codes come as plain digits, which normalising leaves as they are.
  if (PLAIN_CODE.test(raw)) return raw;
  const digits = raw.normalize("NFKC").replace(/[\s.\-_]/g, "");
  return PLAIN_CODE.test(digits) ? digits : null;
}

const PLAIN_CODE = /^\d{2,10}$/;
