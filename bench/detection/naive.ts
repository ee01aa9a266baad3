/**
 * The naive baseline the product must beat: the z-score of each point against the mean
 * and standard deviation of the last NAIVE_WINDOW values (running sums over a ring, O(1)
 * per point). Its score is |z|; it flags every point over one threshold, no episodes.
 */
export const NAIVE_WINDOW = 1000;
/** Points before the window holds enough values to judge. */
export const NAIVE_MIN_POINTS = 30;

export function naiveScores(values: ReadonlyArray<number | null>): Float64Array {
  const out = new Float64Array(values.length);
  const ring = new Float64Array(NAIVE_WINDOW);
  let size = 0;
  let head = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (size >= NAIVE_MIN_POINTS) {
      const mean = sum / size;
      const variance = Math.max(0, sumSq / size - mean * mean);
      const sd = Math.sqrt(variance);
      out[i] = sd > 0 ? Math.abs(v - mean) / sd : v === mean ? 0 : Infinity;
    }
    if (size < NAIVE_WINDOW) {
      ring[size++] = v;
    } else {
      const old = ring[head] as number;
      sum -= old;
      sumSq -= old * old;
      ring[head] = v;
      head = (head + 1) % NAIVE_WINDOW;
    }
    sum += v;
    sumSq += v * v;
  }
  return out;
}
