import { CONFIDENCES, type Confidence, type SubjectKind } from '@northstar/shared';
import { Problems } from './fields.ts';

export const CHECKIN_FIELDS = ['confidence', 'narrative', 'value', 'subject'] as const;

/** The check-in body from the form, and what is obviously missing. */
export function formToCheckin(kind: SubjectKind, id: string, confidence: string, narrative: string, value: string) {
  const p = new Problems();
  if (!(CONFIDENCES as readonly string[]).includes(confidence)) p.add('confidence', 'choose low, medium or high');
  if (narrative.trim() === '') p.add('narrative', 'say what happened and why');
  const n = kind === 'goal' ? p.number('value', value) : undefined;
  return {
    body: {
      subject: { kind, id },
      confidence: confidence as Confidence,
      narrative: narrative.trim(),
      ...(n === undefined ? {} : { value: n }),
    },
    problems: p.list,
  };
}
