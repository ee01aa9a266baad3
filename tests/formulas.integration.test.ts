import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KpiListResponse, SeriesResponse } from '@northstar/shared';
import { FORMULA_CONFIG, expectedValues, formulaEvents } from './support/formula-fixtures.ts';
import { startTestServer, waitFor, type TestServer } from './support/harness.ts';

/** Filter, distinct count, ratio, a calendar window and a band, through the real server over HTTP. */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ config: FORMULA_CONFIG });
});
afterAll(async () => {
  await server?.stop();
});

async function liveValues(): Promise<Map<string, number | null>> {
  const body = (await (await fetch(`${server.url}/api/v1/kpis`)).json()) as KpiListResponse;
  return new Map(body.kpis.map((k) => [k.id, k.state.value]));
}

describe('formulas over HTTP', () => {
  it('shows live values and series ends equal to an independent computation', async () => {
    const now = Date.now();
    const events = formulaEvents(now);
    const res = await fetch(`${server.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: events.map((e) => JSON.stringify(e)).join('\n'),
    });
    expect(res.status).toBe(202);
    const want = expectedValues(events, now);
    const near = (a: number | null | undefined, b: number | null) =>
      a === null || b === null ? a === b : Math.abs((a as number) - b) < 1e-9;
    await waitFor(async () => {
      const live = await liveValues();
      return Object.entries(want).every(([id, v]) => near(live.get(id), v)) ? true : undefined;
    }, 'live values equal to the independent computation');
    const to = Math.ceil(Date.now() / 60_000) * 60_000;
    for (const [id, v] of Object.entries(want)) {
      const series = (await (
        await fetch(`${server.url}/api/v1/kpis/${id}/series?from=${to - 3_600_000}&to=${to}&step=1m`)
      ).json()) as SeriesResponse;
      expect(series.points.at(-1)?.[0]).toBe(to);
      expect(near(series.points.at(-1)?.[1], v), `${id}: series end ${series.points.at(-1)?.[1]} vs ${v}`).toBe(true);
    }
  });
});
