import type { TargetSuggestion } from '../api/types.ts';
import type { KpiFormValues, PeriodTargetForm } from './kpiForm.ts';

/** The quarter after the one `nowMs` falls in (UTC): targets are usually set for what comes next. */
export function nextQuarter(nowMs: number): string {
  const d = new Date(nowMs);
  const q = Math.floor(d.getUTCMonth() / 3) + 1;
  return q === 4 ? `${d.getUTCFullYear() + 1}-Q1` : `${d.getUTCFullYear()}-Q${q + 1}`;
}

export type SuggestionChoice = 'maintain' | 'stretch';

/** What a choice would set: a value, or a band for within_range. Null when history gave none. */
export function suggestedTarget(
  s: TargetSuggestion,
  choice: SuggestionChoice,
  ranged: boolean,
): { value?: number; low?: number; high?: number } | null {
  if (ranged) {
    const low = choice === 'maintain' ? s.low : s.stretchLow;
    const high = choice === 'maintain' ? s.high : s.stretchHigh;
    return low === null || low === undefined || high === null || high === undefined ? null : { low, high };
  }
  const value = choice === 'maintain' ? s.maintain : s.stretch;
  return value === null ? null : { value };
}

/** Sets the period target for `period` from a suggestion (adding the row if there is none); the rest of the form is unchanged. */
export function applySuggestion(values: KpiFormValues, period: string, s: TargetSuggestion, choice: SuggestionChoice): KpiFormValues {
  const picked = suggestedTarget(s, choice, values.direction === 'within_range');
  if (picked === null) return values;
  const text = (n: number | undefined) => (n === undefined ? '' : String(n));
  const existing = values.targets.find((t) => t.period === period);
  const row: PeriodTargetForm = {
    period,
    value: text(picked.value),
    low: text(picked.low),
    high: text(picked.high),
    pacing: existing?.pacing ?? 'none',
    ...(existing?.monthly ? { monthly: existing.monthly } : {}),
  };
  const targets = existing ? values.targets.map((t) => (t === existing ? row : t)) : [...values.targets, row];
  return { ...values, targets };
}
