/**
 * The demo company's event streams: daily seasonality, noise and the occasional
 * incident, so the wall has something true to show. Rates are events per second at
 * the daily peak; `value` draws one event's value.
 */
export type Rng = () => number;

export interface Incident {
  kind: 'api' | 'payments' | 'support';
  startMs: number;
  endMs: number;
}

export interface StreamSpec {
  metric: string;
  peakPerSecond: number;
  value: (rng: Rng, incident: Incident | undefined) => number;
  dims: (rng: Rng) => Record<string, string>;
  /** Multiplies the rate during an incident of the given kind. */
  incidentRate?: Partial<Record<Incident['kind'], number>>;
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
/** Log-normal draw around `median`; `spread` is the sigma of the underlying normal. */
function logNormal(rng: Rng, median: number, spread: number): number {
  const u = Math.max(rng(), 1e-12);
  const v = rng();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return median * Math.exp(spread * z);
}
const round = (x: number, digits: number): number => Number(x.toFixed(digits));

const REGIONS = ['eu', 'us', 'apac'] as const;
const CHANNELS = ['web', 'ios', 'android'] as const;
const region = (rng: Rng) => ({ region: pick(rng, REGIONS) });
/** Regulars buy often, most customers rarely: a skewed draw from 20 000 customer ids. */
const customer = (rng: Rng) => `c${Math.floor(20_000 * rng() ** 2)}`;

export const STREAMS: StreamSpec[] = [
  {
    metric: 'checkout.orders',
    peakPerSecond: 0.6,
    value: () => 1,
    dims: (rng) => ({ ...region(rng), channel: pick(rng, CHANNELS), customer: customer(rng) }),
    incidentRate: { payments: 0.5 },
  },
  {
    metric: 'checkout.revenue',
    peakPerSecond: 0.6,
    value: (rng) => round(logNormal(rng, 48, 0.5), 2),
    dims: region,
    incidentRate: { payments: 0.5 },
  },
  { metric: 'signup.completed', peakPerSecond: 0.15, value: () => 1, dims: (rng) => ({ channel: pick(rng, CHANNELS) }) },
  {
    metric: 'support.csat',
    peakPerSecond: 0.05,
    value: (rng, inc) => Math.min(5, Math.max(1, Math.round(logNormal(rng, inc?.kind === 'support' ? 3.4 : 4.6, 0.15)))),
    dims: region,
  },
  {
    metric: 'support.first_response_seconds',
    peakPerSecond: 0.06,
    value: (rng, inc) => Math.round(logNormal(rng, inc?.kind === 'support' ? 700 : 180, 0.45)),
    dims: (rng) => ({ queue: pick(rng, ['billing', 'delivery', 'account']) }),
  },
  { metric: 'support.ticket_opened', peakPerSecond: 0.025, value: () => 1, dims: region, incidentRate: { support: 3, payments: 2 } },
  { metric: 'delivery.on_time', peakPerSecond: 0.2, value: (rng) => (rng() < 0.965 ? 100 : 0), dims: region },
  {
    metric: 'api.latency_ms',
    peakPerSecond: 12,
    value: (rng, inc) => round(logNormal(rng, inc?.kind === 'api' ? 420 : 95, 0.5), 1),
    dims: (rng) => ({ route: pick(rng, ['/cart', '/checkout', '/search', '/product']) }),
  },
  {
    metric: 'api.errors',
    peakPerSecond: 0.08,
    value: () => 1,
    dims: (rng) => ({ route: pick(rng, ['/cart', '/checkout', '/search']) }),
    incidentRate: { api: 25 },
  },
  {
    metric: 'payment.failed',
    peakPerSecond: 0.004,
    value: () => 1,
    dims: (rng) => ({ provider: pick(rng, ['card', 'paypal', 'klarna']) }),
    incidentRate: { payments: 40 },
  },
  {
    metric: 'web.sessions',
    peakPerSecond: 18,
    value: () => 1,
    dims: (rng) => ({ channel: pick(rng, CHANNELS) }),
    incidentRate: { api: 0.8 },
  },
  {
    metric: 'platform.cpu_utilisation',
    peakPerSecond: 1,
    value: (rng, inc) => round(Math.min(100, logNormal(rng, inc?.kind === 'api' ? 88 : 58, 0.12)), 1),
    dims: (rng) => ({ host: pick(rng, ['web-1', 'web-2', 'api-1', 'api-2']) }),
  },
];

/** Traffic through the day: trough at 04:00 UTC, peak at 16:00 UTC, never below 30 % of peak. */
export function dailyFactor(tsMs: number): number {
  const hours = (tsMs / 3_600_000) % 24;
  return 0.65 + 0.35 * Math.sin(((hours - 10) / 24) * 2 * Math.PI);
}

/** About one incident every 20 minutes, lasting 2–5 minutes. */
export const INCIDENT_EVERY_MS = 20 * 60_000;
export const INCIDENT_MIN_MS = 2 * 60_000;
export const INCIDENT_MAX_MS = 5 * 60_000;
