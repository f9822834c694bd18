import type { ClassificationRecord } from "../store/classificationStore.ts";
import type { Evidence } from "../core/extract.ts";

export interface Segment {
  readonly text: string;
  readonly marked: boolean;
}

/** Every span of the description that a check, a match or a parameter came from. */
function evidenceSpans(record: ClassificationRecord): Evidence[] {
  const spans: Evidence[] = [];
  for (const outcome of [record.import, record.export]) {
    for (const check of outcome.checks) {
      spans.push(...check.evidence);
      for (const part of check.parts ?? []) spans.push(...part.evidence);
    }
  }
  const p = record.parameters;
  for (const a of p.algorithms) spans.push(a.evidence);
  for (const r of p.rates) spans.push(r.evidence);
  for (const t of p.types) spans.push(t.evidence);
  for (const s of p.sectors) spans.push(s.evidence);
  for (const m of p.managedObjects) spans.push(m.evidence);
  spans.push(...p.massMarket.strong, ...p.massMarket.weak);
  if (p.noEncryption) spans.push(p.noEncryption);
  return spans.filter((s) => s.start >= 0 && s.end > s.start);
}

/** The description cut into plain and highlighted pieces (overlapping spans merged), for escaped output. */
export function highlightSegments(record: ClassificationRecord): Segment[] {
  const text = record.input.description ?? "";
  if (text === "") return [];
  const spans = evidenceSpans(record)
    .filter((s) => s.end <= text.length)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: { start: number; end: number }[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ start: s.start, end: s.end });
  }
  const segments: Segment[] = [];
  let at = 0;
  for (const m of merged) {
    if (m.start > at) segments.push({ text: text.slice(at, m.start), marked: false });
    segments.push({ text: text.slice(m.start, m.end), marked: true });
    at = m.end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), marked: false });
  return segments;
}
