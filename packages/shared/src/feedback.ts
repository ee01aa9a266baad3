import { z } from 'zod';
import { idField } from './kpi.ts';
import { proseText } from './primitives.ts';

export const SUBJECT_KINDS = ['objective', 'kpi', 'goal'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export const CONFIDENCES = ['low', 'medium', 'high'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

export const ANNOTATION_KINDS = ['deploy', 'campaign', 'incident', 'note'] as const;

/** An owner's check-in: how confident they are, in their words, optionally with a value (goals). */
export const CheckinInputSchema = z.strictObject({
  subject: z.strictObject({ kind: z.enum(SUBJECT_KINDS), id: idField }),
  confidence: z.enum(CONFIDENCES),
  narrative: proseText(4000, 1, 'say what happened and why'),
  value: z.number().refine(Number.isFinite, 'must be a finite number').optional(),
});
export type CheckinInput = z.infer<typeof CheckinInputSchema>;

export interface Checkin extends CheckinInput {
  id: string;
  author: string;
  /** Epoch ms. */
  at: number;
}

/** Something that happened to a KPI at a time: a deploy, a campaign; drawn on its chart. */
export const AnnotationInputSchema = z.strictObject({
  kpi: idField,
  /** ISO 8601 or epoch ms; default now. */
  ts: z.union([z.string().max(64), z.number()]).optional(),
  kind: z.enum(ANNOTATION_KINDS).default('note'),
  text: proseText(1000, 1),
});
export type AnnotationInput = z.infer<typeof AnnotationInputSchema>;

export interface Annotation {
  id: string;
  kpi: string;
  ts: number;
  kind: (typeof ANNOTATION_KINDS)[number];
  text: string;
  author: string;
}

/** The first time in a period a KPI met its target or an objective reached 100 %. */
export interface Milestone {
  kind: 'kpi' | 'objective';
  id: string;
  name: string;
  period: string;
  value: number;
  /** Epoch ms. */
  reachedAt: number;
}
