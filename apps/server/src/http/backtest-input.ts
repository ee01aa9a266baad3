import { parseTimestamp, type FieldProblem } from '@northstar/shared';
import { invalid } from '../model/model-errors.ts';

/** At most this many bad points are listed in one error: enough to see the pattern. */
const MAX_PROBLEMS = 20;

/** Inline points with ISO 8601 or epoch-ms timestamps → epoch ms; every bad point is named by its index. */
export function inlineSeries(points: ReadonlyArray<{ ts: string | number; value: number | null }>, nowMs: number) {
  const problems: FieldProblem[] = [];
  const out = points.map((p, i) => {
    const t = parseTimestamp(p.ts, nowMs);
    if (!t.ok) {
      if (problems.length < MAX_PROBLEMS) problems.push({ field: `series[${i}].ts`, message: t.reason.replace(/^ts: /, '') });
      return { ts: 0, value: p.value };
    }
    return { ts: t.ms, value: p.value };
  });
  if (problems.length > 0) throw invalid('invalid backtest request', problems);
  return out;
}
