import {
  LEVELS,
  PERIOD_PATTERN,
  REVIEW_CADENCES,
  ROLLUP_RULES,
  type Level,
  type Objective,
  type ReviewCadence,
  type RollupRule,
} from '@northstar/shared';
import type { FieldProblem } from '@northstar/shared';
import { Problems, optionalText } from './fields.ts';

/** The objective editor's inputs, all as typed. */
export interface ObjectiveFormValues {
  id: string;
  name: string;
  description: string;
  level: Level;
  owner: string;
  period: string;
  parent: string;
  rollup: RollupRule;
  review: string;
  /** The review digest (objective.digest): sent on the schedule, how often ('' = the review cadence), who else gets it (comma-separated). */
  digestEnabled: boolean;
  digestCadence: string;
  digestSubscribers: string;
}

export const OBJECTIVE_FIELDS = [
  'id',
  'name',
  'description',
  'level',
  'owner',
  'period',
  'parent',
  'rollup',
  'review',
  'digest.enabled',
  'digest.cadence',
  'digest.subscribers',
] as const;

/** The subscribers a digest may name, and how long a name may be (the model's limits). */
const MAX_SUBSCRIBERS = 100;
const MAX_NAME = 200;

export function objectiveToForm(o: Partial<Objective> = {}, preset: Readonly<Record<string, string>> = {}): ObjectiveFormValues {
  const level = o.level ?? preset.level;
  return {
    id: o.id ?? '',
    name: o.name ?? '',
    description: o.description ?? '',
    level: (LEVELS as readonly string[]).includes(level ?? '') ? (level as Level) : 'organisation',
    owner: o.owner ?? '',
    period: o.period ?? preset.period ?? '',
    parent: o.parent ?? preset.parent ?? '',
    rollup: o.rollup ?? 'weighted_average',
    review: o.review ?? '',
    digestEnabled: o.digest?.enabled ?? true,
    digestCadence: o.digest?.cadence ?? '',
    digestSubscribers: (o.digest?.subscribers ?? []).join(', '),
  };
}

/** The definition to send, and what is obviously wrong with it (the server has the last word). */
export function formToObjective(v: ObjectiveFormValues): { definition: Objective; problems: FieldProblem[] } {
  const p = new Problems();
  const id = p.id('id', v.id) ?? '';
  const name = v.name.trim();
  if (name === '') p.add('name', 'is required');
  const period = optionalText(v.period);
  if (period !== undefined && !PERIOD_PATTERN.test(period)) p.add('period', 'must be a period like "2026", "2026-Q4" or "2026-11"');
  const parent = p.id('parent', v.parent, false);
  if (parent !== undefined && parent === id) p.add('parent', 'an objective cannot serve itself');
  if (!(LEVELS as readonly string[]).includes(v.level)) p.add('level', `must be one of ${LEVELS.join(', ')}`);
  if (!(ROLLUP_RULES as readonly string[]).includes(v.rollup)) p.add('rollup', `must be one of ${ROLLUP_RULES.join(', ')}`);
  const review = optionalText(v.review) as ReviewCadence | undefined;
  if (review !== undefined && !(REVIEW_CADENCES as readonly string[]).includes(review))
    p.add('review', `must be one of ${REVIEW_CADENCES.join(', ')}`);
  const digestCadence = optionalText(v.digestCadence) as ReviewCadence | undefined;
  if (digestCadence !== undefined && !(REVIEW_CADENCES as readonly string[]).includes(digestCadence))
    p.add('digest.cadence', `must be one of ${REVIEW_CADENCES.join(', ')}`);
  const subscribers = v.digestSubscribers
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (subscribers.length > MAX_SUBSCRIBERS) p.add('digest.subscribers', `at most ${MAX_SUBSCRIBERS} names`);
  const long = subscribers.find((s) => s.length > MAX_NAME);
  if (long !== undefined) p.add('digest.subscribers', `"${long.slice(0, 20)}…" is longer than ${MAX_NAME} characters`);
  // the defaults (on, the review cadence, owners only) are written as no digest field at all
  const digest =
    !v.digestEnabled || digestCadence !== undefined || subscribers.length > 0
      ? { enabled: v.digestEnabled, ...defined({ cadence: digestCadence }), ...(subscribers.length > 0 ? { subscribers } : {}) }
      : undefined;
  const definition: Objective = {
    id,
    name,
    level: v.level,
    rollup: v.rollup,
    ...defined({ description: optionalText(v.description), owner: optionalText(v.owner), period, parent, review, digest }),
  };
  return { definition, problems: p.list };
}

/** Leaves out the keys whose value is undefined, so the definition carries no empty fields. */
export function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
