import { ANNOTATION_KINDS, type Annotation, type Checkin, type Confidence } from '@northstar/shared';
import { Problems } from '../forms/fields.ts';

export type AnnotationKind = Annotation['kind'];

/** One row of the KPI's timeline: something that happened (annotation) or an owner's check-in. */
export type TimelineItem =
  | { type: 'annotation'; key: string; ts: number; kind: AnnotationKind; text: string; author: string }
  | { type: 'checkin'; key: string; ts: number; confidence: Confidence; text: string; author: string };

/** Annotations and check-ins in one list, newest first (ties in a stable order). */
export function buildTimeline(annotations: readonly Annotation[], checkins: readonly Checkin[]): TimelineItem[] {
  const items: TimelineItem[] = [
    ...annotations.map((a): TimelineItem => ({
      type: 'annotation',
      key: `a:${a.id}`,
      ts: a.ts,
      kind: a.kind,
      text: a.text,
      author: a.author,
    })),
    ...checkins.map((c): TimelineItem => ({
      type: 'checkin',
      key: `c:${c.id}`,
      ts: c.at,
      confidence: c.confidence,
      text: c.narrative,
      author: c.author,
    })),
  ];
  return items.sort((a, b) => b.ts - a.ts || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The newest time anything on the timeline happened, or null when it is empty. */
export function newestTs(items: readonly { ts: number }[]): number | null {
  return items.reduce<number | null>((max, i) => (max === null || i.ts > max ? i.ts : max), null);
}

export const ANNOTATION_FIELDS = ['kind', 'text'] as const;
/** As AnnotationInputSchema in @northstar/shared. */
const MAX_TEXT = 1000;

/** The POST body for an annotation at "now" (the server stamps it), and what is obviously wrong. */
export function formToAnnotation(kpi: string, kind: string, text: string) {
  const p = new Problems();
  if (!(ANNOTATION_KINDS as readonly string[]).includes(kind)) p.add('kind', `choose ${ANNOTATION_KINDS.join(', ')}`);
  const trimmed = text.trim();
  if (trimmed === '') p.add('text', 'say what happened');
  else if (trimmed.length > MAX_TEXT) p.add('text', `must be at most ${MAX_TEXT} characters`);
  return { body: { kpi, kind: kind as AnnotationKind, text: trimmed }, problems: p.list };
}
