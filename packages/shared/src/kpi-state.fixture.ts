import type { KpiState } from './status.ts';

/** An evaluated KPI for the unit tests of the wire formats: 3 of a target of 10, off track. */
export const ORDERS_STATE: KpiState = {
  id: 'orders',
  value: 3,
  target: 10,
  targetLow: null,
  targetHigh: null,
  expected: null,
  period: null,
  attainment: 30,
  status: 'off_track',
  previous: null,
  lastEventTs: 1,
  evaluatedAt: 2,
};
