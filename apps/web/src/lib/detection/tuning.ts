import type { DetectionPoint, DetectionTuning } from '@northstar/shared';
import { call, client } from '../api/client.ts';

/** Every KPI whose anomaly threshold people's feedback moved. */
export function detectionTuning(): Promise<DetectionTuning[]> {
  return call(client.api.v1.detect.tuning.$get());
}

/** Puts a KPI's anomaly threshold back to its sensitivity's (editors). */
export function resetTuning(kpi: string): Promise<DetectionTuning | null> {
  return call(client.api.v1.detect.feedback.$post({ json: { kpi, kind: 'reset' } }));
}

const REASONS: Record<DetectionTuning['reason'], string> = {
  not_real: '“not real”',
  missed: '“missed”',
  reset: 'reset',
};

/** "raised 2 steps (fewer alerts)" / "lowered 1 step (more alerts)" / "at the sensitivity's". */
export function tuningText(t: DetectionTuning): string {
  if (t.steps === 0) return 'at its sensitivity';
  const n = Math.abs(t.steps);
  return `${t.steps > 0 ? 'raised' : 'lowered'} ${n} step${n === 1 ? '' : 's'} (${t.steps > 0 ? 'fewer' : 'more'} alerts)`;
}

/** Who made the newest change, how, and when. */
export function tuningWho(t: DetectionTuning, at: (ms: number) => string): string {
  return `${REASONS[t.reason]} by ${t.by}, ${at(t.at)}`;
}

/** The detector is still learning a KPI's normal range on the newest point of a backtest. */
export function learningState(points: readonly DetectionPoint[] | null | undefined): { learning: boolean; learned: number } {
  const list = points ?? [];
  const last = list.at(-1);
  return { learning: last?.learning === true, learned: list.filter((p) => p.learning === false).length };
}
