import { describe, expect, it } from 'vitest';
import type { AlertStateName } from '@northstar/shared';
import { initialState, step, type AlertRuntimeState, type StepInput, type StepTiming } from './state-machine.ts';

const MIN = 60_000;
const rule: StepTiming = { forMs: 5 * MIN, keepFiringForMs: 10 * MIN };
const T0 = 1_000 * MIN;

/** Each state as it would be reached, entered at T0 (firing episodes started at T0 − 1h). */
function stateAt(state: AlertStateName): AlertRuntimeState {
  const base = { ...initialState(T0), state, since: T0, reason: state };
  const episode = T0 - 60 * MIN;
  switch (state) {
    case 'normal':
      return base;
    case 'pending':
      return { ...base, activeSince: T0 };
    case 'alerting':
      return { ...base, activeSince: episode, firingSince: episode };
    case 'recovering':
      return { ...base, firingSince: episode, clearedSince: T0 };
    case 'nodata':
    case 'error':
      return base;
  }
}

const holds = (nowMs: number): StepInput => ({ holds: true, noData: false, value: 80, threshold: 100, reason: 'value 80 < 100', nowMs });
const clears = (nowMs: number): StepInput => ({
  holds: false,
  noData: false,
  value: 120,
  threshold: 100,
  reason: 'value 120 >= 100',
  nowMs,
});
const noData = (nowMs: number): StepInput => ({
  holds: false,
  noData: true,
  value: null,
  threshold: 100,
  reason: 'no value in the window',
  nowMs,
});
const failed = (nowMs: number): StepInput => ({ ...clears(nowMs), error: 'query timed out' });

const INPUTS = {
  'holds, for not elapsed': holds(T0 + MIN),
  'holds, for elapsed': holds(T0 + 5 * MIN),
  'clears, keepFiringFor not elapsed': clears(T0 + MIN),
  'clears, keepFiringFor elapsed': clears(T0 + 10 * MIN),
  'no data': noData(T0 + MIN),
  error: failed(T0 + MIN),
} as const;
type InputName = keyof typeof INPUTS;

/** The whole table: every state × every input → the next state. */
const TABLE: Record<AlertStateName, Record<InputName, AlertStateName>> = {
  normal: {
    'holds, for not elapsed': 'pending', // the pending clock starts now, whenever "now" is
    'holds, for elapsed': 'pending',
    'clears, keepFiringFor not elapsed': 'normal',
    'clears, keepFiringFor elapsed': 'normal',
    'no data': 'nodata',
    error: 'error',
  },
  pending: {
    'holds, for not elapsed': 'pending',
    'holds, for elapsed': 'alerting',
    'clears, keepFiringFor not elapsed': 'normal',
    'clears, keepFiringFor elapsed': 'normal',
    'no data': 'nodata',
    error: 'error',
  },
  alerting: {
    'holds, for not elapsed': 'alerting',
    'holds, for elapsed': 'alerting',
    'clears, keepFiringFor not elapsed': 'recovering', // the recovering clock starts now
    'clears, keepFiringFor elapsed': 'recovering',
    'no data': 'nodata',
    error: 'error',
  },
  recovering: {
    'holds, for not elapsed': 'alerting',
    'holds, for elapsed': 'alerting',
    'clears, keepFiringFor not elapsed': 'recovering',
    'clears, keepFiringFor elapsed': 'normal',
    'no data': 'nodata',
    error: 'error',
  },
  nodata: {
    'holds, for not elapsed': 'pending',
    'holds, for elapsed': 'pending',
    'clears, keepFiringFor not elapsed': 'normal',
    'clears, keepFiringFor elapsed': 'normal',
    'no data': 'nodata',
    error: 'error',
  },
  error: {
    'holds, for not elapsed': 'pending',
    'holds, for elapsed': 'pending',
    'clears, keepFiringFor not elapsed': 'normal',
    'clears, keepFiringFor elapsed': 'normal',
    'no data': 'nodata',
    error: 'error',
  },
};

const CASES = Object.entries(TABLE).flatMap(([from, row]) =>
  Object.entries(row).map(([input, to]) => [from as AlertStateName, input as InputName, to] as const),
);

describe('transition table', () => {
  it('covers every state and input', () => {
    expect(CASES).toHaveLength(6 * 6);
  });
  it.each(CASES)('%s + %s → %s', (from, inputName, to) => {
    const input = INPUTS[inputName];
    const { next, transition } = step(stateAt(from), input, rule);
    expect(next.state).toBe(to);
    if (from === to) expect(transition).toBeNull();
    else expect(transition).toEqual({ from, to, reason: next.reason, at: input.nowMs, value: input.value });
    expect(next.since).toBe(from === to ? T0 : input.nowMs);
    expect(next.evaluatedAt).toBe(input.nowMs);
  });
});

describe('episodes and clocks', () => {
  it('a first evaluation starts from Normal', () => {
    expect(step(undefined, clears(T0), rule)).toMatchObject({ next: { state: 'normal' }, transition: null });
    expect(step(undefined, holds(T0), rule).transition).toMatchObject({ from: 'normal', to: 'pending' });
  });
  it('for: 0 fires at once', () => {
    const { next, transition } = step(undefined, holds(T0), { forMs: 0, keepFiringForMs: 0 });
    expect(next).toMatchObject({ state: 'alerting', firingSince: T0 });
    expect(transition).toMatchObject({ from: 'normal', to: 'alerting', reason: 'value 80 < 100' });
  });
  it('keepFiringFor: 0 resolves at once', () => {
    expect(step(stateAt('alerting'), clears(T0 + MIN), { forMs: 0, keepFiringForMs: 0 }).next).toMatchObject({
      state: 'normal',
      firingSince: null,
    });
  });
  it('Pending fires after `for` of holding without a break, and the episode starts then', () => {
    let s = step(undefined, holds(T0), rule).next;
    s = step(s, holds(T0 + 4 * MIN), rule).next;
    expect(s.state).toBe('pending');
    expect(s.reason).toBe('value 80 < 100 (fires after 5m)');
    s = step(s, holds(T0 + 5 * MIN), rule).next;
    expect(s).toMatchObject({ state: 'alerting', firingSince: T0 + 5 * MIN, since: T0 + 5 * MIN });
  });
  it('a break in Pending restarts the `for` clock', () => {
    let s = step(undefined, holds(T0), rule).next;
    s = step(s, clears(T0 + 3 * MIN), rule).next;
    s = step(s, holds(T0 + 4 * MIN), rule).next;
    s = step(s, holds(T0 + 8 * MIN), rule).next;
    expect(s).toMatchObject({ state: 'pending', activeSince: T0 + 4 * MIN });
  });
  it('Recovering → Alerting keeps the episode', () => {
    const { next, transition } = step(stateAt('recovering'), holds(T0 + MIN), rule);
    expect(next.firingSince).toBe(stateAt('recovering').firingSince);
    expect(transition).toMatchObject({ from: 'recovering', to: 'alerting' });
  });
  it('NoData and Error pause an episode: holding again goes straight back to Alerting', () => {
    const episode = stateAt('alerting').firingSince;
    for (const pause of [noData(T0 + MIN), failed(T0 + MIN)]) {
      const paused = step(stateAt('alerting'), pause, rule).next;
      expect(paused.firingSince).toBe(episode);
      expect(step(paused, holds(T0 + 2 * MIN), rule).next).toMatchObject({ state: 'alerting', firingSince: episode });
      expect(step(paused, clears(T0 + 2 * MIN), rule).next).toMatchObject({ state: 'recovering', clearedSince: T0 + 2 * MIN });
    }
  });
  it('records the reason of NoData and Error', () => {
    expect(step(stateAt('normal'), noData(T0 + MIN), rule).transition?.reason).toBe('no value in the window');
    expect(step(stateAt('normal'), failed(T0 + MIN), rule).transition?.reason).toBe('error: query timed out');
  });
  it('a value change inside a state updates the state without a transition', () => {
    const { next, transition } = step(stateAt('alerting'), { ...holds(T0 + MIN), value: 70 }, rule);
    expect(transition).toBeNull();
    expect(next.value).toBe(70);
  });
});

describe('hysteresis', () => {
  /** Holds and clears alternate every tick, as a value hovering at the threshold does. */
  function hover(timing: StepTiming, ticks: number, tickMs = MIN) {
    let s: AlertRuntimeState | undefined;
    const transitions = [];
    const episodes = new Set<number>();
    for (let i = 0; i < ticks; i++) {
      const now = T0 + i * tickMs;
      const r = step(s, i % 2 === 0 ? holds(now) : clears(now), timing);
      s = r.next;
      if (r.transition) transitions.push(r.transition);
      if (s.firingSince !== null) episodes.add(s.firingSince);
    }
    return { transitions, episodes, last: s };
  }

  it('with keepFiringFor ≥ 2 ticks a hovering value is ONE alerting episode', () => {
    const { transitions, episodes } = hover({ forMs: 0, keepFiringForMs: 2 * MIN }, 60);
    expect(episodes.size).toBe(1);
    expect(transitions.filter((t) => t.to === 'normal')).toHaveLength(0);
    expect(transitions.filter((t) => t.to === 'alerting' && t.from !== 'recovering')).toHaveLength(1);
  });
  it('without keepFiringFor the same hovering is an episode per tick pair (what hysteresis prevents)', () => {
    const { episodes } = hover({ forMs: 0, keepFiringForMs: 0 }, 60);
    expect(episodes.size).toBe(30);
  });
  it('with `for` longer than a tick a hovering value never fires', () => {
    const { episodes, transitions } = hover({ forMs: 2 * MIN, keepFiringForMs: 0 }, 60);
    expect(episodes.size).toBe(0);
    expect(new Set(transitions.map((t) => t.to))).toEqual(new Set(['pending', 'normal']));
  });
  it('the episode ends keepFiringFor after the value settles below', () => {
    let { last: s } = hover({ forMs: 0, keepFiringForMs: 2 * MIN }, 10);
    const timing = { forMs: 0, keepFiringForMs: 2 * MIN };
    s = step(s, clears(T0 + 10 * MIN), timing).next; // tick 9 cleared already: recovering since T0 + 9m
    expect(s.state).toBe('recovering');
    s = step(s, clears(T0 + 11 * MIN), timing).next;
    expect(s.state).toBe('normal');
  });
});
