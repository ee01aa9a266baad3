/**
 * NAB-like scoring of flagged points against labelled anomaly windows, as a user lives
 * with alerts:
 *   - each labelled anomaly gets a window starting WINDOW_LEAD points before it and at
 *     least WINDOW_SHARE of the series / its anomaly count long (it always covers the label);
 *   - the first flag inside a window scores A_TP · σ(y), σ(y) = 2/(1 + e^{5y}) − 1 with
 *     y = −(window end − i)/window length: earlier is worth more, a flag at the very end ~0;
 *     later flags in the same window count nothing;
 *   - a window without a flag costs A_FN;
 *   - every flagged point outside all windows costs A_FP;
 *   - normalised per group of series: 100 · (S − S_null) / (S_perfect − S_null), where the
 *     null detector never fires (S_null = −A_FN · windows) and the perfect one flags each window's first point.
 * One threshold applies to every series of a run.
 */
import type { Label } from './families.ts';

export interface Profile {
  name: string;
  tp: number;
  fp: number;
  fn: number;
}

export const PROFILES: readonly Profile[] = [
  { name: 'standard', tp: 1, fp: 0.11, fn: 1 },
  { name: 'fewer false alarms', tp: 1, fp: 0.22, fn: 1 },
  { name: 'fewer misses', tp: 1, fp: 0.11, fn: 2 },
];

export const WINDOW_SHARE = 0.1;
export const WINDOW_LEAD = 4;

export interface Window {
  from: number;
  to: number;
}

export function windows(labels: readonly Label[], n: number): Window[] {
  const len = Math.max(1, Math.round((WINDOW_SHARE * n) / Math.max(1, labels.length)));
  return labels.map((l) => ({
    from: Math.max(0, l.start - WINDOW_LEAD),
    to: Math.min(n - 1, Math.max(l.end, l.start - WINDOW_LEAD + len - 1)),
  }));
}

const sigma = (y: number) => 2 / (1 + Math.exp(5 * y)) - 1;

/** The raw parts of one series' score: counted once, weighted per profile later. */
export interface Tally {
  windows: number;
  /** Σ σ(y) over detected windows. */
  earliness: number;
  detected: number;
  falsePoints: number;
}

export function tally(flags: ArrayLike<boolean>, wins: readonly Window[]): Tally {
  const n = flags.length;
  const inWindow = new Int32Array(n).fill(-1);
  wins.forEach((w, k) => {
    for (let i = w.from; i <= w.to; i++) inWindow[i] = k;
  });
  const first = new Array<number>(wins.length).fill(-1);
  let falsePoints = 0;
  for (let i = 0; i < n; i++) {
    if (!flags[i]) continue;
    const k = inWindow[i] as number;
    if (k < 0) falsePoints++;
    else if (first[k] === -1) first[k] = i;
  }
  let earliness = 0;
  let detected = 0;
  first.forEach((i, k) => {
    if (i < 0) return;
    const w = wins[k] as Window;
    detected++;
    earliness += sigma(-(w.to - i) / (w.to - w.from + 1));
  });
  return { windows: wins.length, earliness, detected, falsePoints };
}

export function addTallies(ts: readonly Tally[]): Tally {
  return ts.reduce(
    (a, t) => ({
      windows: a.windows + t.windows,
      earliness: a.earliness + t.earliness,
      detected: a.detected + t.detected,
      falsePoints: a.falsePoints + t.falsePoints,
    }),
    { windows: 0, earliness: 0, detected: 0, falsePoints: 0 },
  );
}

/** The normalised score (0 = never firing, 100 = perfect) of a tally under a profile. */
export function normalised(t: Tally, p: Profile): number {
  const raw = p.tp * t.earliness - p.fn * (t.windows - t.detected) - p.fp * t.falsePoints;
  const nul = -p.fn * t.windows;
  const perfect = p.tp * t.windows;
  if (perfect === nul) return t.falsePoints === 0 ? 100 : 100 * (-p.fp * t.falsePoints);
  return (100 * (raw - nul)) / (perfect - nul);
}
