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

/** A cell holding another separator is quoted too, for readers that keep quotes whatever the separator. */
const OTHER_SEPARATORS = /[;\t|]/;

export function neutraliseCell(value: string): string {
  // Most cells hold no other separator: the test is cheaper than a replace that finds nothing.
  const inner = OTHER_SEPARATORS.test(value) ? value.replace(FORMULA_AFTER_SEPARATOR, "$1'") : value;
  return FORMULA_START.test(inner) ? `'${inner}` : inner;
}

/** What makes csv-stringify quote a cell (the comma, a quote, a line break), and the other separators. */
const NEEDS_QUOTES = /[",\n\r;\t|]/;

/** One cell as CSV text, safe to open in a spreadsheet. */
export function safeCsvCell(value: string): string {
  if (value === "") return value;
  const safe = neutraliseCell(value);
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * Rows as CSV text, every cell safe to open in a spreadsheet, whatever separator it is opened with.
 * Written here rather than with csv-stringify, whose per-cell bookkeeping was most of a bulk run's
 * main-thread time; the output is the same, byte for byte (a test holds it to csv-stringify's).
 */
export function safeCsv(rows: readonly (readonly string[])[]): string {
  let out = "";
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) out += i === 0 ? safeCsvCell(row[i] ?? "") : `,${safeCsvCell(row[i] ?? "")}`;
    out += "\n";
  }
  return out;
}
