/**
 * Labelled synthetic KPI series for the detection benchmark: daily and weekly seasonality
 * in the KPI's timezone (across a DST change), trend, Gaussian or Poisson noise, sporadic
 * gaps, and injected anomalies, each labelled as an interval of point indexes.
 */
import { seededRng } from '../../apps/server/src/demo/generator.ts';

type Rng = () => number;

export const ANOMALY_TYPES = ['spike', 'dip', 'level_shift', 'trend_change', 'variance_change', 'seasonality_break', 'outage'] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

export const KINDS = ['traffic', 'revenue', 'count', 'lowcount', 'ratio'] as const;
export type Kind = (typeof KINDS)[number];

export interface Label {
  type: AnomalyType;
  /** First and last point index of the anomaly, inclusive. */
  start: number;
  end: number;
}

export interface Series {
  id: string;
  kind: Kind;
  timezone: string;
  points: Array<{ ts: number; value: number | null }>;
  labels: Label[];
}

export interface BenchSizes {
  seed: number;
  seriesPerType: number;
  days: number;
  stepMinutes: number;
  anomaliesPerSeries: number;
  /** Anomalies start after this many days: the first week is the seasonal baseline's warm-up. */
  firstAnomalyDay: number;
  startMs: number;
}

/** 2025-03-10 00:00 UTC: four weeks from here cross Europe/Berlin's spring-forward (30 March). */
export const DEFAULT_SIZES: BenchSizes = {
  seed: 20250310,
  seriesPerType: 8,
  days: 28,
  stepMinutes: 15,
  anomaliesPerSeries: 3,
  firstAnomalyDay: 8,
  startMs: Date.UTC(2025, 2, 10),
};

const TIMEZONES = ['Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Kolkata'];

interface KindSpec {
  level: number;
  /** Daily amplitude (relative), peak at 14:00 local. */
  daily: number;
  /** Saturday and Sunday multiply by this. */
  weekend: number;
  /** Relative growth over the whole run. */
  trend: number;
  /** Gaussian noise, relative to the level; 0 = Poisson counts. */
  noise: number;
  /** Probability of an isolated lost point (unlabelled: ordinary). */
  gapRate: number;
}

const SPECS: Record<Kind, KindSpec> = {
  traffic: { level: 1000, daily: 0.5, weekend: 0.7, trend: 0.1, noise: 0.03, gapRate: 0 },
  revenue: { level: 5000, daily: 0.35, weekend: 0.5, trend: 0.2, noise: 0.05, gapRate: 0.003 },
  count: { level: 20, daily: 0.6, weekend: 0.8, trend: 0, noise: 0, gapRate: 0 },
  lowcount: { level: 4, daily: 0.6, weekend: 0.7, trend: 0, noise: 0, gapRate: 0 },
  ratio: { level: 0.05, daily: 0.1, weekend: 1, trend: 0, noise: 0.04, gapRate: 0.003 },
};

/** Which kinds an anomaly type is meaningful on (a dip of a handful of events, or a broken pattern nobody could see, is not a fair test). */
const ELIGIBLE: Record<AnomalyType, Kind[]> = {
  spike: ['traffic', 'revenue', 'count', 'lowcount', 'ratio'],
  dip: ['traffic', 'revenue', 'count', 'ratio'],
  level_shift: ['traffic', 'revenue', 'count', 'lowcount', 'ratio'],
  trend_change: ['traffic', 'revenue', 'count', 'ratio'],
  variance_change: ['traffic', 'revenue', 'count', 'ratio'],
  seasonality_break: ['traffic', 'revenue', 'count'],
  outage: ['traffic', 'revenue', 'count', 'lowcount', 'ratio'],
};

const isCountKind = (k: Kind) => SPECS[k].noise === 0;

function gaussian(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

function poisson(rng: Rng, lambda: number): number {
  if (lambda > 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(rng)));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng();
  } while (p > l);
  return k - 1;
}

const uniform = (rng: Rng, a: number, b: number) => a + (b - a) * rng();

/** Local fractional hour and weekday (0 = Monday) by Intl, independent of the detectors' own calendar code. */
function localClock(timezone: string): (ts: number) => { hour: number; weekday: number } {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    weekday: 'short',
    hour: 'numeric',
    minute: 'numeric',
  });
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  return (ts) => {
    const parts = Object.fromEntries(f.formatToParts(ts).map((p) => [p.type, p.value]));
    return { hour: Number(parts.hour) + Number(parts.minute) / 60, weekday: days.indexOf(parts.weekday ?? '') };
  };
}

/**
 * How much of the weekend effect applies: 0 on weekdays, 1 on Saturday and Sunday, ramping
 * smoothly over the six hours around each midnight (Friday night is already quieter) instead
 * of stepping, as real traffic does.
 */
function weekendShare(weekday: number, hour: number): number {
  const h = weekday * 24 + hour; // hours since Monday 00:00
  const ramp = (x: number) => Math.min(1, Math.max(0, (x + 3) / 6));
  if (h < 84) return h < 3 ? 1 - ramp(h) : 0; // Monday's early hours finish Sunday's ramp
  return ramp(h - 120) - ramp(h - 168);
}

/** One series with `count` anomalies of `type`. */
export function generateSeries(type: AnomalyType, index: number, sizes: BenchSizes, rng: Rng): Series {
  const eligible = ELIGIBLE[type];
  const kind = eligible[index % eligible.length] as Kind;
  const spec = SPECS[kind];
  const timezone = TIMEZONES[Math.floor(index / eligible.length + index) % TIMEZONES.length] as string;
  const clock = localClock(timezone);
  const stepMs = sizes.stepMinutes * 60_000;
  const perDay = Math.round(1440 / sizes.stepMinutes);
  const n = sizes.days * perDay;
  const peak = 14;

  const base = (i: number, phaseShiftHours = 0): number => {
    const { hour, weekday } = clock(sizes.startMs + i * stepMs);
    const daily = 1 + spec.daily * Math.cos((2 * Math.PI * (hour + phaseShiftHours - peak)) / 24);
    const weekly = 1 + (spec.weekend - 1) * weekendShare(weekday, hour);
    return spec.level * (1 + (spec.trend * i) / n) * daily * weekly;
  };
  const sigma = (b: number) => (isCountKind(kind) ? Math.sqrt(Math.max(b, 1)) : spec.noise * b);
  const noisy = (b: number, noiseFactor = 1): number =>
    isCountKind(kind) ? Math.max(0, Math.round(b + (poisson(rng, b) - b) * noiseFactor)) : b + noiseFactor * sigma(b) * gaussian(rng);

  // the anomalies: one per slot of the post-warm-up period, at a random time inside it
  const labels: Label[] = [];
  const firstIndex = sizes.firstAnomalyDay * perDay;
  const slot = Math.floor((n - firstIndex - 2 * perDay) / sizes.anomaliesPerSeries);
  for (let k = 0; k < sizes.anomaliesPerSeries; k++) {
    const len = lengthOf(type, rng, perDay);
    let start = firstIndex + k * slot + Math.floor(rng() * Math.max(1, slot - len - perDay / 2));
    if (type === 'dip' && isCountKind(kind)) {
      // a count can only dip where there is volume to lose: move the start into 09:00–20:00 local
      while (clock(sizes.startMs + start * stepMs).hour < 9 || clock(sizes.startMs + start * stepMs).hour > 20) start++;
    }
    labels.push({ type, start, end: start + len - 1 });
  }

  const points: Series['points'] = [];
  const sign = () => (isCountKind(kind) ? 1 : rng() < 0.5 ? -1 : 1);
  const effects = labels.map((l) => ({ label: l, sign: sign(), size: anomalySize(l.type, rng) }));
  for (let i = 0; i < n; i++) {
    const ts = sizes.startMs + i * stepMs;
    const e = effects.find((x) => i >= x.label.start && i <= x.label.end);
    let value: number | null;
    if (!e) {
      value = noisy(base(i));
    } else {
      const b = base(i);
      const s = sigma(b);
      const t = i - e.label.start;
      const len = e.label.end - e.label.start + 1;
      switch (e.label.type) {
        case 'spike':
          value = noisy(b) + e.size * s;
          break;
        case 'dip':
          value = Math.max(0, noisy(b) - e.size * s);
          break;
        case 'level_shift':
          value = noisy(b) + e.sign * e.size * s;
          break;
        case 'trend_change':
          value = noisy(b) + (e.sign * e.size * s * (t + 1)) / len;
          break;
        case 'variance_change':
          value = noisy(b, e.size);
          break;
        case 'seasonality_break':
          value = noisy(base(i, 12));
          break;
        case 'outage':
          value = kind === 'count' ? 0 : null;
          break;
      }
      if (isCountKind(kind) && value !== null) value = Math.max(0, Math.round(value));
    }
    if (!e && rng() < spec.gapRate) value = null;
    points.push({ ts, value });
  }
  return { id: `${type}-${index}-${kind}`, kind, timezone, points, labels };
}

function lengthOf(type: AnomalyType, rng: Rng, perDay: number): number {
  switch (type) {
    case 'spike':
    case 'dip':
      return 1 + Math.floor(rng() * 2);
    case 'level_shift':
    case 'seasonality_break':
      return perDay;
    case 'trend_change':
    case 'variance_change':
      return perDay / 2;
    case 'outage':
      return 4 + Math.floor(rng() * 13);
  }
}

/** Size in sigmas of the noise at that point (variance change: the noise multiplier). */
function anomalySize(type: AnomalyType, rng: Rng): number {
  switch (type) {
    case 'spike':
    case 'dip':
      return uniform(rng, 6, 10);
    case 'level_shift':
      return uniform(rng, 3, 5);
    case 'trend_change':
      return uniform(rng, 6, 10);
    case 'variance_change':
      return uniform(rng, 3, 5);
    default:
      return 0;
  }
}

/** The whole corpus: seriesPerType series for each anomaly type, all from one seed. */
export function generateCorpus(sizes: BenchSizes): Series[] {
  const out: Series[] = [];
  ANOMALY_TYPES.forEach((type, t) => {
    for (let i = 0; i < sizes.seriesPerType; i++) out.push(generateSeries(type, i, sizes, seededRng(sizes.seed + t * 1000 + i)));
  });
  return out;
}
