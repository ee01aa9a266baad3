import { describe, expect, it } from 'vitest';
import { seededRng } from '../demo/generator.ts';
import { KpiDetector } from './ensemble.ts';
import { FEEDBACK_MAX_STEPS, scoreThreshold } from './score.ts';
import { MISSED, RESET, tuningFrom, type VerdictRow } from './tuning.ts';

const row = (over: Partial<VerdictRow>): VerdictRow => ({
  key: 'spike/errors/',
  kpi: 'errors',
  detector: 'robust',
  real: false,
  expected: false,
  note: '',
  by: 'lead',
  at: 1,
  ...over,
});

describe('feedback that tunes a KPI threshold', () => {
  it('raises it a step per "not real" on an anomaly alert, with who did it', () => {
    const t = tuningFrom([row({ at: 1 }), row({ key: 'spike/errors/#2', at: 2, by: 'ana' })]).get('errors');
    expect(t).toMatchObject({ steps: 2, reason: 'not_real', by: 'ana', at: 2 });
  });

  it('lowers it a step per "missed" report', () => {
    const t = tuningFrom([
      row({ at: 1 }),
      row({ key: 'missed/errors', detector: MISSED, real: true, at: 2 }),
      row({ key: 'missed/errors', detector: MISSED, real: true, at: 3 }),
    ]);
    expect(t.get('errors')).toMatchObject({ steps: -1, reason: 'missed' });
  });

  it('is bounded, and a reset takes it back to the sensitivity', () => {
    const many = Array.from({ length: 10 }, (_, i) => row({ key: `k${i}`, at: i }));
    expect(tuningFrom(many).get('errors')?.steps).toBe(FEEDBACK_MAX_STEPS);
    expect(tuningFrom([...many, row({ key: 'reset/errors', detector: RESET, at: 99 })]).get('errors')).toMatchObject({
      steps: 0,
      reason: 'reset',
    });
  });

  it('ignores real and expected verdicts and verdicts on other rule types', () => {
    const t = tuningFrom([row({ real: true }), row({ expected: true }), row({ detector: 'threshold' })]);
    expect(t.get('errors')).toBeUndefined();
  });

  it('moves the detector threshold: fewer flags after "not real", more after "missed"', () => {
    expect(scoreThreshold('medium', 1)).toBeGreaterThan(scoreThreshold('medium'));
    expect(scoreThreshold('medium', -1)).toBeLessThan(scoreThreshold('medium'));
    expect(scoreThreshold('medium', 50)).toBe(scoreThreshold('medium', FEEDBACK_MAX_STEPS));
    const rng = seededRng(3);
    const series = Array.from({ length: 3000 }, (_, i) => ({
      ts: i * 900_000,
      value: 100 + 3 * (rng() - 0.5) + (i > 300 && i % 40 === 0 ? 3 + 6 * rng() : 0),
    }));
    const flags = (steps: number) => {
      const d = new KpiDetector({}, { direction: 'within_range', timezone: 'UTC', feedbackSteps: steps });
      return series.map((p) => d.update(p.ts, p.value)).filter((p) => p.flag).length;
    };
    expect(flags(2)).toBeLessThan(flags(0));
    expect(flags(-2)).toBeGreaterThan(flags(0));
  });
});
