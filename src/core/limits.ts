/** Limits shared by every edge (form, API, bulk, CLI): one place, so they cannot drift apart. */

/** Longest description accepted: longer pastes are almost always whole datasheets by mistake. */
export const MAX_DESCRIPTION_LENGTH = 5000;

/** A single field or CSV record larger than this is a broken file or an attack, not a product row. */
export const MAX_RECORD_CHARS = 1_000_000;

/**
 * Columns a CSV record may have. A product sheet has tens; a record with hundreds of thousands is an
 * attack on memory (every row is padded to the header's width, stored and written cell by cell).
 */
export const DEFAULT_MAX_COLUMNS = 1000;

/** Evidence spans kept per finding: a word repeated a thousand times is one finding, not a thousand. */
export const MAX_EVIDENCE_PER_FINDING = 3;

/** Findings of one kind (rates, algorithms, product words…) kept per text: far more than any real specification states. */
export const MAX_FINDINGS = 40;
