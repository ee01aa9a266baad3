import { waitFor } from './harness.ts';

/**
 * The scale-out tests' check that an instance shows what the events say: each KPI's value
 * from GET /api/v1/kpis, compared with a value computed from the events produced.
 */

type ShownValues = Record<string, number | null>;

/** Each KPI's value as `get` (a GET of /api/v1/kpis on one instance) answers it; `label` names the instance in an error. */
async function shownValues(get: () => Promise<Response>, label: string): Promise<ShownValues> {
  const res = await get();
  if (!res.ok) throw new Error(`${label}: GET /api/v1/kpis ${res.status}`);
  const body = (await res.json()) as
    Array<{ id: string; state?: { value: number | null } }> | { kpis: Array<{ id: string; state?: { value: number | null } }> };
  const list = Array.isArray(body) ? body : body.kpis;
  return Object.fromEntries(list.map((k) => [k.id, k.state?.value ?? null]));
}

/** Exact for counts and distinct counts, float-close for sums and ratios, within DDSketch's 1 % for a quantile. */
function agrees(got: number | null, want: number, quantile: boolean): boolean {
  if (got === null) return false;
  if (quantile) return Math.abs(got - want) <= 0.01 * Math.abs(want) + 1e-9;
  return Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));
}

export interface WaitForValuesOptions {
  /** The instance, in the wait's description and errors. */
  label: string;
  /** The ids of the quantile KPIs (p50, p95…): compared within DDSketch's error. */
  quantiles: ReadonlySet<string>;
  timeoutMs: number;
}

/** Waits until the instance shows every wanted value; the error shows the wanted KPIs' last values beside the expected ones. */
export async function waitForValues(get: () => Promise<Response>, want: Record<string, number>, opts: WaitForValuesOptions): Promise<void> {
  let last: ShownValues = {};
  try {
    await waitFor(
      async () => {
        last = await shownValues(get, opts.label);
        return Object.entries(want).every(([id, v]) => agrees(last[id] ?? null, v, opts.quantiles.has(id))) ? true : undefined;
      },
      `every KPI on ${opts.label}`,
      opts.timeoutMs,
    );
  } catch (err) {
    const picked = Object.fromEntries(Object.keys(want).map((k) => [k, last[k]]));
    throw new Error(`${(err as Error).message}\nshown:    ${JSON.stringify(picked)}\nexpected: ${JSON.stringify(want)}`, { cause: err });
  }
}
