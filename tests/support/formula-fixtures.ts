import { calendarSpan, type KpiInput, type MetricEvent } from '@northstar/shared';

/** KPIs for every formula kind; the expected values below are computed independently of the evaluator. */
export const FORMULA_KPIS: KpiInput[] = [
  {
    id: 'eu-revenue',
    name: 'EU revenue',
    objective: 'sales',
    metric: 'f.revenue',
    aggregation: 'sum',
    filter: { region: 'eu' },
    window: '1h',
    target: 100,
  },
  {
    id: 'buyers',
    name: 'Buyers',
    objective: 'sales',
    metric: 'f.revenue',
    aggregation: 'distinct_count',
    distinctBy: 'user',
    window: '1h',
    target: 3,
  },
  {
    id: 'conversion',
    name: 'Conversion',
    objective: 'sales',
    ratio: {
      numerator: { metric: 'f.orders', aggregation: 'count' },
      denominator: { metric: 'f.sessions', aggregation: 'sum', filter: { region: 'eu' } },
      scale: 100,
    },
    window: '1h',
    target: 5,
  },
  {
    id: 'revenue-today',
    name: 'Revenue today',
    objective: 'sales',
    metric: 'f.revenue',
    aggregation: 'sum',
    window: 'today',
    timezone: 'Europe/Berlin',
    target: 1000,
  },
  {
    id: 'basket-band',
    name: 'Basket in band',
    objective: 'sales',
    metric: 'f.revenue',
    aggregation: 'avg',
    window: '1h',
    direction: 'within_range',
    low: 10,
    high: 20,
  },
];

/** The same as a config file (JSON is YAML). */
export const FORMULA_CONFIG = JSON.stringify({ objectives: [{ id: 'sales', name: 'Sell more' }], kpis: FORMULA_KPIS });

const USERS = ['ann', 'bob', 'cyd', 'dee'];
const REGIONS = ['eu', 'us'];

/** A deterministic mix over the last ~2 minutes before `nowMs`; some revenue events carry no user. */
export function formulaEvents(nowMs: number): MetricEvent[] {
  const out: MetricEvent[] = [];
  for (let i = 0; i < 40; i++) {
    const ts = nowMs - 3000 * (i + 1);
    const dims: Record<string, string> = { region: REGIONS[i % 2] as string };
    if (i % 5 !== 0) dims.user = USERS[i % USERS.length] as string;
    out.push({ metric: 'f.revenue', value: 5 + (i % 7) * 3, ts, id: `rev-${nowMs}-${i}`, dims });
    if (i % 4 === 0) out.push({ metric: 'f.orders', value: 1, ts, id: `ord-${nowMs}-${i}`, dims: {} });
    out.push({ metric: 'f.sessions', value: 2, ts, id: `ses-${nowMs}-${i}`, dims: { region: REGIONS[(i + 1) % 2] as string } });
  }
  return out;
}

/** What each KPI must show after `events`, computed by hand. */
export function expectedValues(events: readonly MetricEvent[], nowMs: number): Record<string, number | null> {
  const revenue = events.filter((e) => e.metric === 'f.revenue');
  const sum = (xs: readonly MetricEvent[]) => xs.reduce((s, e) => s + e.value, 0);
  const sessionsEu = sum(events.filter((e) => e.metric === 'f.sessions' && e.dims.region === 'eu'));
  const orders = events.filter((e) => e.metric === 'f.orders').length;
  const todayStart = calendarSpan('today', 'Europe/Berlin', nowMs).startMs;
  const today = revenue.filter((e) => e.ts >= todayStart);
  return {
    'eu-revenue': sum(revenue.filter((e) => e.dims.region === 'eu')),
    buyers: new Set(revenue.flatMap((e) => (e.dims.user ? [e.dims.user] : []))).size,
    conversion: sessionsEu === 0 ? null : (orders / sessionsEu) * 100,
    'revenue-today': today.length === 0 ? null : sum(today),
    'basket-band': sum(revenue) / revenue.length,
  };
}
