/**
 * Spreadsheet formula injection: a cell starting with = + - @ tab or CR is run as a formula by
 * Excel and LibreOffice. Prefixing an apostrophe makes it text (OWASP's advice).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}
