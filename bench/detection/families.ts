/**
 * Labelled synthetic KPI series in the shapes real KPIs take, one generator per family.
 * Each returns the value of every point (null = no data) and its labelled anomaly
 * intervals. Everything derives from one seeded RNG per series, so a seed is a series.
 */
import { seededRng } from '../../apps/server/src/demo/generator.ts';

export type Rng = () => number;

export const FAMILIES = [
  'sparse_counts',
  'zero_inflated',
  'heavy_tailed_latency',
  'bursty_traffic',
  'trend',
  'random_walk',
  'step_change',
  'variance_change',
  'slow_drift',
  'periodic_spikes',
  'missing_stretches',
  'quantised',
  'flat_blips',
] as const;
export type Family = (typeof FAMILIES)[number];

export interface Label {
  /** First and last point index of the anomaly, inclusive. */
  start: number;
  end: number;
}

export interface Series {
  id: string;
  family: Family;
  seed: number;
  timezone: string;
  points: Array<{ ts: number; value: number | null }>;
  labels: Label[];
}

export interface Shape {
  n: number;
  perDay: number;
  startMs: number;
  stepMs: number;
  /** Local clock of the series' timezone. */
  clock: (ts: number) => { hour: number; weekday: number };
}

export const gaussian = (rng: Rng): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
export const uniform = (rng: Rng, a: number, b: number): number => a + (b - a) * rng();
export const int = (rng: Rng, a: number, b: number): number => Math.floor(uniform(rng, a, b + 1));

export function poisson(rng: Rng, lambda: number): number {
  if (lambda > 40) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(rng)));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng();
  } while (p > l);
  return k - 1;
}

/** Daily shape in [1 − a, 1 + a], peak at 14:00 local. */
const daily = (hour: number, a: number) => 1 + a * Math.cos((2 * Math.PI * (hour - 14)) / 24);
/** Weekend share ramping over the hours around midnight. */
function weekend(weekday: number, hour: number): number {
  const h = weekday * 24 + hour;
  const ramp = (x: number) => Math.min(1, Math.max(0, (x + 3) / 6));
  if (h < 84) return h < 3 ? 1 - ramp(h) : 0;
  return ramp(h - 120) - ramp(h - 168);
}

/**
 * Anomaly slots: `count` intervals of a length from `len`, after the learning period
 * (day 4), spread over the series with at least two days between them.
 */
function place(rng: Rng, s: Shape, count: number, len: () => number): Label[] {
  const first = 4 * s.perDay;
  const slot = Math.floor((s.n - first - s.perDay) / Math.max(1, count));
  const out: Label[] = [];
  for (let k = 0; k < count; k++) {
    const l = len();
    const start = first + k * slot + Math.floor(rng() * Math.max(1, slot - l - s.perDay));
    out.push({ start, end: start + l - 1 });
  }
  return out;
}

/** Most KPIs follow the day: a multiplicative daily cycle of random amplitude (up to ±30 %; some series have none). */
function dailyCycle(rng: Rng, s: Shape): (i: number) => number {
  const a = rng() < 0.25 ? 0 : uniform(rng, 0.05, 0.3);
  return (i) => daily(s.clock(s.startMs + i * s.stepMs).hour, a);
}

const inAny = (labels: Label[], i: number) => labels.find((l) => i >= l.start && i <= l.end);

type Gen = (rng: Rng, s: Shape, count: number) => { values: Array<number | null>; labels: Label[] };

const GENERATORS: Record<Family, Gen> = {
  sparse_counts(rng, s, count) {
    const lambda = uniform(rng, 0.03, 0.4);
    const dailyA = uniform(rng, 0, 0.8);
    const labels = place(rng, s, count, () => int(rng, 1, 6));
    const boost = labels.map(() => uniform(rng, 12, 30) / Math.sqrt(lambda));
    const dayFactor = Array.from({ length: Math.ceil(s.n / s.perDay) }, () => Math.exp(0.4 * gaussian(rng)));
    const values = Array.from({ length: s.n }, (_, i) => {
      const lam = lambda * daily(s.clock(s.startMs + i * s.stepMs).hour, dailyA) * (dayFactor[Math.floor(i / s.perDay)] as number);
      const k = labels.findIndex((l) => i >= l.start && i <= l.end);
      return poisson(rng, k >= 0 ? lam * (boost[k] as number) : lam);
    });
    return { values, labels };
  },
  zero_inflated(rng, s, count) {
    const pActive = uniform(rng, 0.08, 0.35);
    const size = uniform(rng, 20, 200);
    const labels = place(rng, s, count, () => int(rng, 4, 16));
    const values = Array.from({ length: s.n }, (_, i) => {
      const a = inAny(labels, i);
      const p = a ? 0.97 : pActive;
      if (rng() >= p) return 0;
      return Math.round(size * Math.exp(0.6 * gaussian(rng)) * (a ? 4 : 1) * 100) / 100;
    });
    return { values, labels };
  },
  heavy_tailed_latency(rng, s, count) {
    const median = uniform(rng, 80, 400);
    const sigma = uniform(rng, 0.25, 0.6);
    const labels = place(rng, s, count, () => int(rng, 4, 16));
    const factor = labels.map(() => uniform(rng, 3, 5));
    const values = Array.from({ length: s.n }, (_, i) => {
      const k = labels.findIndex((l) => i >= l.start && i <= l.end);
      let v = median * Math.exp(sigma * gaussian(rng));
      // ordinary stragglers: 1 % of points 2–6× slower (a Pareto-like tail that is not news)
      if (rng() < 0.01) v *= uniform(rng, 2, 6);
      return Math.round((k >= 0 ? v * (factor[k] as number) : v) * 10) / 10;
    });
    return { values, labels };
  },
  bursty_traffic(rng, s, count) {
    const level = uniform(rng, 200, 3000);
    const dailyA = uniform(rng, 0.3, 0.7);
    const weekendF = uniform(rng, 0.4, 0.9);
    const labels = place(rng, s, count, () => int(rng, 4, 16));
    const effect = labels.map(() => (rng() < 0.5 ? uniform(rng, 0.15, 0.4) : uniform(rng, 2.5, 4)));
    let burst = 0;
    const values = Array.from({ length: s.n }, (_, i) => {
      const { hour, weekday } = s.clock(s.startMs + i * s.stepMs);
      // ordinary bursts: an AR(1) multiplicative wobble, as traffic has
      burst = 0.8 * burst + 0.12 * gaussian(rng);
      const base = level * daily(hour, dailyA) * (1 + (weekendF - 1) * weekend(weekday, hour)) * Math.exp(burst);
      const k = labels.findIndex((l) => i >= l.start && i <= l.end);
      return poisson(rng, k >= 0 ? base * (effect[k] as number) : base);
    });
    return { values, labels };
  },
  trend(rng, s, count) {
    const level = uniform(rng, 100, 5000);
    const cycle = dailyCycle(rng, s);
    const growth = uniform(rng, -0.5, 1);
    const noise = uniform(rng, 0.01, 0.05) * level;
    const labels = place(rng, s, count, () => int(rng, 1, 12));
    const size = labels.map(() => (rng() < 0.5 ? -1 : 1) * uniform(rng, 7, 12) * noise);
    const values = Array.from({ length: s.n }, (_, i) => {
      const k = labels.findIndex((l) => i >= l.start && i <= l.end);
      return level * (1 + (growth * i) / s.n) * cycle(i) + noise * gaussian(rng) + (k >= 0 ? (size[k] as number) : 0);
    });
    return { values, labels };
  },
  random_walk(rng, s, count) {
    const step = uniform(rng, 0.5, 3);
    const labels = place(rng, s, count, () => 4);
    const jump = labels.map(() => (rng() < 0.5 ? -1 : 1) * uniform(rng, 15, 25) * step);
    let x = uniform(rng, 100, 1000);
    const values = Array.from({ length: s.n }, (_, i) => {
      x += step * gaussian(rng);
      const k = labels.findIndex((l) => l.start === i);
      if (k >= 0) x += jump[k] as number;
      return x;
    });
    return { values, labels };
  },
  step_change(rng, s, count) {
    const level = uniform(rng, 50, 500);
    const cycle = dailyCycle(rng, s);
    const noise = uniform(rng, 0.02, 0.08) * level;
    const labels = place(rng, s, count, () => 8);
    let offset = 0;
    const values = Array.from({ length: s.n }, (_, i) => {
      if (labels.some((l) => l.start === i)) offset += (rng() < 0.5 ? -1 : 1) * uniform(rng, 5, 9) * noise;
      return level * cycle(i) + offset + noise * gaussian(rng);
    });
    return { values, labels };
  },
  variance_change(rng, s, count) {
    // a variance regime in a real KPI (a flaky dependency, a retry storm; or a sampler dropped, a value
    // served from a cache) sits on the KPI's own daily and weekly season and trend, and its noise scales
    // with the level: a global z sees the day, not the regime
    const level = uniform(rng, 50, 500);
    const dailyA = uniform(rng, 0.15, 0.5);
    const weekendF = uniform(rng, 0.5, 0.95);
    const growth = uniform(rng, -0.3, 0.5);
    const noise = uniform(rng, 0.01, 0.04);
    const labels = place(rng, s, count, () => int(rng, 12, 48));
    // most regimes are noisier (sigma ×2.5–6); one in four is calmer (sigma ÷4–8: fewer sources, a frozen value)
    const factor = labels.map(() => (rng() < 0.25 ? 1 / uniform(rng, 4, 8) : uniform(rng, 2.5, 6)));
    const values = Array.from({ length: s.n }, (_, i) => {
      const { hour, weekday } = s.clock(s.startMs + i * s.stepMs);
      const base = level * (1 + (growth * i) / s.n) * daily(hour, dailyA) * (1 + (weekendF - 1) * weekend(weekday, hour));
      const k = labels.findIndex((l) => i >= l.start && i <= l.end);
      return base * (1 + noise * gaussian(rng) * (k >= 0 ? (factor[k] as number) : 1));
    });
    return { values, labels };
  },
  slow_drift(rng, s, count) {
    const level = uniform(rng, 50, 500);
    const cycle = dailyCycle(rng, s);
    const noise = uniform(rng, 0.01, 0.05) * level;
    const labels = place(rng, s, count, () => int(rng, 24, 48));
    let offset = 0;
    const rate = labels.map((l) => ((rng() < 0.5 ? -1 : 1) * uniform(rng, 10, 14) * noise) / (l.end - l.start + 1));
    const values = Array.from({ length: s.n }, (_, i) => {
      const k = labels.findIndex((l) => i >= l.start && i <= l.end);
      if (k >= 0) offset += rate[k] as number;
      return level * cycle(i) + offset + noise * gaussian(rng);
    });
    return { values, labels };
  },
  periodic_spikes(rng, s, count) {
    const level = uniform(rng, 50, 500);
    const noise = uniform(rng, 0.02, 0.06) * level;
    const period = [16, 24, 48, 96][int(rng, 0, 3)] as number;
    const phase = int(rng, 0, period - 1);
    const spike = uniform(rng, 3, 5) * level;
    const labels = place(rng, s, count, () => int(rng, 4, 12));
    const values = Array.from({ length: s.n }, (_, i) => {
      const a = inAny(labels, i);
      // a scheduled job spikes every period (normal); an anomaly is a sustained rise off schedule
      const scheduled = i % period === phase ? spike : 0;
      return level + noise * gaussian(rng) + scheduled + (a ? 1.5 * level : 0);
    });
    return { values, labels };
  },
  missing_stretches(rng, s, count) {
    const level = uniform(rng, 100, 1000);
    const noise = uniform(rng, 0.02, 0.05) * level;
    const dailyA = uniform(rng, 0, 0.5);
    const labels = place(rng, s, count, () => int(rng, 2, 12));
    const size = labels.map(() => (rng() < 0.5 ? -1 : 1) * uniform(rng, 8, 12) * noise);
    let gapLeft = 0;
    const values = Array.from({ length: s.n }, (_, i) => {
      const k = labels.findIndex((l) => i >= l.start && i <= l.end);
      // ordinary stretches of missing data (a collector restarting): 1–12 points, every day or two
      if (k < 0 && gapLeft === 0 && rng() < 0.01) gapLeft = int(rng, 1, 12);
      if (k < 0 && gapLeft > 0) {
        gapLeft--;
        return null;
      }
      const base = level * daily(s.clock(s.startMs + i * s.stepMs).hour, dailyA);
      return base + noise * gaussian(rng) + (k >= 0 ? (size[k] as number) : 0);
    });
    return { values, labels };
  },
  quantised(rng, s, count) {
    const level = uniform(rng, 10, 60);
    const cycle = dailyCycle(rng, s);
    const noise = uniform(rng, 0.6, 3);
    const quantum = [1, 0.5, 5][int(rng, 0, 2)] as number;
    const labels = place(rng, s, count, () => int(rng, 4, 24));
    const size = labels.map(() => uniform(rng, 8, 12) * Math.max(noise, quantum));
    const values = Array.from({ length: s.n }, (_, i) => {
      const k = labels.findIndex((l) => i >= l.start && i <= l.end);
      const v = level * cycle(i) + noise * gaussian(rng) + (k >= 0 ? (size[k] as number) : 0);
      return Math.max(0, Math.round(v / quantum) * quantum);
    });
    return { values, labels };
  },
  flat_blips(rng, s, count) {
    const level = [0, 1, 100, 250][int(rng, 0, 3)] as number;
    const blip = Math.max(1, level * 0.02);
    const labels = place(rng, s, count, () => int(rng, 2, 12));
    const size = labels.map(() => (level === 0 ? 1 : rng() < 0.5 ? -1 : 1) * uniform(rng, 8, 15) * blip);
    const values = Array.from({ length: s.n }, (_, i) => {
      const k = labels.findIndex((l) => i >= l.start && i <= l.end);
      if (k >= 0) return level + (size[k] as number);
      // rare ordinary blips of one unit (a retry, a rounding)
      return rng() < 0.004 ? level + blip : level;
    });
    return { values, labels };
  },
};

const TIMEZONES = ['Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Kolkata', 'Australia/Sydney'];

function localClock(timezone: string): (ts: number) => { hour: number; weekday: number } {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    weekday: 'short',
    hour: 'numeric',
    minute: 'numeric',
  });
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const cache = new Map<number, { hour: number; weekday: number }>();
  return (ts) => {
    let c = cache.get(ts);
    if (!c) {
      const parts = Object.fromEntries(f.formatToParts(ts).map((p) => [p.type, p.value]));
      c = { hour: Number(parts.hour) + Number(parts.minute) / 60, weekday: days.indexOf(parts.weekday ?? '') };
      cache.set(ts, c);
    }
    return c;
  };
}

export interface CorpusSizes {
  seriesPerFamily: number;
  days: number;
  stepMinutes: number;
  /** 2025-03-03 UTC: four weeks cross New York's (9 March) and Berlin's (30 March) spring-forward, and Sydney's fall-back (6 April). */
  startMs: number;
  baseSeed: number;
}

export const DEFAULT_CORPUS: CorpusSizes = {
  seriesPerFamily: 24,
  days: 28,
  stepMinutes: 15,
  startMs: Date.UTC(2025, 2, 3),
  baseSeed: 7_000_000,
};

/** Every third seed is held out: never used for tuning, reported separately. */
export const isHeldOut = (index: number): boolean => index % 3 === 2;

export function generateSeries(family: Family, index: number, sizes: CorpusSizes): Series {
  const seed = sizes.baseSeed + FAMILIES.indexOf(family) * 10_000 + index;
  const rng = seededRng(seed);
  const timezone = TIMEZONES[index % TIMEZONES.length] as string;
  const stepMs = sizes.stepMinutes * 60_000;
  const perDay = Math.round(1440 / sizes.stepMinutes);
  const shape: Shape = { n: sizes.days * perDay, perDay, startMs: sizes.startMs, stepMs, clock: localClock(timezone) };
  // one series in six has no anomaly at all: there, every flag is a false alarm
  const count = index % 6 === 5 ? 0 : 1 + (index % 3);
  const { values, labels } = GENERATORS[family](rng, shape, count);
  return {
    id: `${family}-${index}`,
    family,
    seed,
    timezone,
    points: values.map((value, i) => ({ ts: sizes.startMs + i * stepMs, value })),
    labels: count === 0 ? [] : labels,
  };
}

export function generateCorpus(sizes: CorpusSizes, families: readonly Family[] = FAMILIES): Series[] {
  return families.flatMap((family) => Array.from({ length: sizes.seriesPerFamily }, (_, i) => generateSeries(family, i, sizes)));
}
