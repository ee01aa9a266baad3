import { z } from 'zod';
import type { Level } from './kpi.ts';

/**
 * The KPI budget: how many KPIs one objective of each level may have linked directly before
 * the alignment lint says "too many". About seven is what a person keeps in view; past that,
 * a KPI list stops steering and starts reporting. The organisation level is also held to its
 * budget as a whole (the top of the tree is read like one objective).
 */
export const DEFAULT_KPI_BUDGET = 7;
export const MAX_KPI_BUDGET = 100;

export type KpiBudget = Record<Level, number>;

const budget = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(MAX_KPI_BUDGET, `must be at most ${MAX_KPI_BUDGET}`)
  .default(DEFAULT_KPI_BUDGET);

/** `alignment.kpiBudget` in the config file: per level, each defaulting to 7. */
export const KpiBudgetSchema = z
  .strictObject({ organisation: budget, department: budget, team: budget, individual: budget })
  .default(defaultKpiBudget);

/** The `alignment:` section of the config file. */
export const AlignmentSettingsSchema = z.strictObject({ kpiBudget: KpiBudgetSchema }).default(() => ({ kpiBudget: defaultKpiBudget() }));
export type AlignmentSettings = z.infer<typeof AlignmentSettingsSchema>;

export function defaultKpiBudget(): KpiBudget {
  return { organisation: DEFAULT_KPI_BUDGET, department: DEFAULT_KPI_BUDGET, team: DEFAULT_KPI_BUDGET, individual: DEFAULT_KPI_BUDGET };
}
