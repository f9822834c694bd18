import { stringify } from "csv-stringify/sync";

/**
 * Spreadsheet formula injection: a cell starting with = + - @ tab or CR is run as a formula by
 * Excel and LibreOffice. Prefixing an apostrophe makes it text (OWASP's advice).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Opened with `;`, tab or `|` as the separator (European Excel, LibreOffice), a comma-separated file
 * splits a cell at those characters, and quotes no longer protect it: `x,"a;=1+1"` gives a cell
 * `=1+1"`. A formula start after one of them gets its apostrophe too. Commas need none: a reader
 * that splits at commas reads the quotes as written.
 */
const FORMULA_AFTER_SEPARATOR = /([;\t|]\s*)(?=[=+\-@])/g;

export function neutraliseCell(value: string): string {
  const inner = value.replace(FORMULA_AFTER_SEPARATOR, "$1'");
  return FORMULA_START.test(inner) ? `'${inner}` : inner;
}

/** A cell holding another separator is quoted too, for readers that keep quotes whatever the separator. */
const OTHER_SEPARATORS = /[;\t|]/;

/** Rows as CSV text, every cell safe to open in a spreadsheet, whatever separator it is opened with. */
export function safeCsv(rows: readonly (readonly string[])[]): string {
  return stringify(rows as string[][], { cast: { string: neutraliseCell }, quoted_match: OTHER_SEPARATORS });
}
