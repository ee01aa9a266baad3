import type { DetectionPoint, DetectionSettings } from '@northstar/shared';
import { KpiDetector, type KpiDetectorOptions } from './ensemble.ts';

export interface BacktestOptions extends KpiDetectorOptions {
  /** Intervals [from, to) marked expected: scored, not learned. */
  excluded?: ReadonlyArray<readonly [number, number]>;
}

/**
 * Runs a fresh KpiDetector over a series, exactly as the live path feeds it point by
 * point, and returns what it said about each point. Pure: same input, same output.
 * Points are taken in time order (a copy is sorted if needed).
 */
export function backtest(
  points: ReadonlyArray<{ ts: number; value: number | null }>,
  settings: Partial<DetectionSettings>,
  options: BacktestOptions,
): DetectionPoint[] {
  const detector = new KpiDetector(settings, { direction: options.direction, timezone: options.timezone });
  for (const [from, to] of options.excluded ?? []) detector.exclude(from, to);
  let ordered = points;
  for (let i = 1; i < points.length; i++)
    if ((points[i] as { ts: number }).ts < (points[i - 1] as { ts: number }).ts) {
      ordered = [...points].sort((a, b) => a.ts - b.ts);
      break;
    }
  return ordered.map((p) => detector.update(p.ts, p.value));
}
