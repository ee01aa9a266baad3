import type { KpiState } from './status.ts';

/**
 * A KPI's evaluated state for tests, field by field over a plain one: a target of 100 in force,
 * no value yet, on track, never evaluated.
 */
export function kpiStateOf(id: string, overrides: Partial<KpiState> = {}): KpiState {
  return {
    id,
    value: null,
    target: 100,
    targetLow: null,
    targetHigh: null,
    expected: null,
    period: null,
    attainment: null,
    status: 'on_track',
    previous: null,
    lastEventTs: null,
    evaluatedAt: 0,
    ...overrides,
  };
}

/** An evaluated KPI for the unit tests of the wire formats: 3 of a target of 10, off track. */
export const ORDERS_STATE: KpiState = kpiStateOf('orders', {
  value: 3,
  target: 10,
  attainment: 30,
  status: 'off_track',
  lastEventTs: 1,
  evaluatedAt: 2,
});
