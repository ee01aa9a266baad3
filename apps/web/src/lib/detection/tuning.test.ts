import { describe, expect, it } from 'vitest';
import type { DetectionTuning } from '@northstar/shared';
import { learningState, tuningText, tuningWho } from './tuning.ts';

const t = (steps: number, reason: DetectionTuning['reason'] = 'not_real'): DetectionTuning => ({
  kpi: 'errors',
  steps,
  reason,
  by: 'ana',
  at: 0,
  note: '',
});

describe('feedback tuning on the rules page', () => {
  it('says which way the threshold moved and who moved it', () => {
    expect(tuningText(t(2))).toBe('raised 2 steps (fewer alerts)');
    expect(tuningText(t(-1, 'missed'))).toBe('lowered 1 step (more alerts)');
    expect(tuningText(t(0, 'reset'))).toBe('at its sensitivity');
    expect(tuningWho(t(1), () => 'today')).toBe('“not real” by ana, today');
  });

  it('reads the learning state off the newest backtest point', () => {
    const p = (learning: boolean) => ({ ts: 0, value: 1, score: 0, lower: null, upper: null, flag: false, detector: null, learning });
    expect(learningState([p(true), p(true)])).toEqual({ learning: true, learned: 0 });
    expect(learningState([p(true), p(false)])).toEqual({ learning: false, learned: 1 });
    expect(learningState(null)).toEqual({ learning: false, learned: 0 });
  });
});
