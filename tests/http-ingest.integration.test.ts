import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { IngestResponse, KpiListResponse, SeriesResponse, ServerMessage } from '@northstar/shared';
import { DEDUP_WINDOW_MS } from '../apps/server/src/store/event-identity.ts';
import { EventStore } from '../apps/server/src/store/event-store.ts';
import { murmurHash3_32 } from '../apps/server/src/store/murmur3.ts';
import { startTestServer, waitFor, type TestServer } from './support/harness.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

async function post(body: string, contentType = 'application/x-ndjson') {
  const res = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, body: (await res.json()) as IngestResponse & { error?: { code: string; message: string } } };
}

async function count(sql: string, params: Record<string, unknown> = {}): Promise<number> {
  const r = await server.clickhouse.query({ query: sql, query_params: params, format: 'JSONEachRow' });
  return Number((await r.json<{ n: string }>())[0]?.n);
}

async function kpiValue(id: string): Promise<number | null> {
  const res = await fetch(`${server.url}/api/v1/kpis`);
  const body = (await res.json()) as KpiListResponse;
  return body.kpis.find((k) => k.id === id)?.state.value ?? null;
}

describe('POST /api/v1/events', () => {
  it('stores the good NDJSON lines, and names each bad line with its reason', async () => {
    const now = Date.now();
    const lines = [
      JSON.stringify({ metric: 'test.orders', value: 1, ts: now - 1000, id: 'mix-1' }),
      '{"metric":"test.orders","value":',
      JSON.stringify({ metric: 'test.orders', value: 'one' }),
      '',
      JSON.stringify({ metric: 'Test Orders', value: 1 }),
      JSON.stringify({ metric: 'test.orders', value: 1, ts: now - 500, id: 'mix-2' }),
      JSON.stringify({ metric: 'test.orders', value: 1, ts: '1999-01-01T00:00:00Z' }),
    ];
    const { status, body } = await post(lines.join('\n'));
    expect(status).toBe(202);
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => r.line)).toEqual([2, 3, 5, 7]);
    expect(body.rejected[0]?.reason).toMatch(/not valid JSON/);
    expect(body.rejected[1]?.reason).toMatch(/value must be a number/);
    expect(body.rejected[2]?.reason).toMatch(/metric may only contain/);
    expect(body.rejected[3]?.reason).toMatch(/before 2000/);
    expect(await count(`SELECT count() AS n FROM events WHERE id IN ('mix-1', 'mix-2')`)).toBe(2);
    expect(
      await count(
        `SELECT count() AS n FROM rejected_events WHERE source = 'http' AND location IN ('line 2', 'line 3', 'line 5', 'line 7')`,
      ),
    ).toBe(4);
    await waitFor(async () => ((await kpiValue('orders')) === 2 ? true : undefined), 'orders KPI = 2');
  });

  it('accepts a JSON array and counts element numbers as lines', async () => {
    const { status, body } = await post(
      JSON.stringify([{ metric: 'test.revenue', value: 10 }, { metric: 'test.revenue' }]),
      'application/json',
    );
    expect(status).toBe(202);
    expect(body).toMatchObject({ accepted: 1, rejected: [{ line: 2, reason: expect.stringMatching(/value is required/) }] });
  });

  it('answers 400 when nothing was accepted, and keeps the rejects', async () => {
    const before = await count(`SELECT count() AS n FROM rejected_events`);
    const { status, body } = await post('{"metric":"test.orders"}\n{"value":1}');
    expect(status).toBe(400);
    expect(body.accepted).toBe(0);
    expect(body.rejected).toHaveLength(2);
    expect(await count(`SELECT count() AS n FROM rejected_events`)).toBe(before + 2);
  });

  it('answers 400 with a clear message for a body that is not JSON', async () => {
    const { status, body } = await post('[{"metric": "a", ', 'application/json');
    expect(status).toBe(400);
    expect(body.error?.message).toMatch(/not valid JSON/);
  });

  it('answers 413 for a body over the 10 MiB limit, storing nothing of it', async () => {
    const line = JSON.stringify({ metric: 'test.big', value: 1, dims: { pad: 'x'.repeat(200) } });
    const body = Array.from({ length: Math.ceil((11 * 1024 * 1024) / line.length) }, () => line).join('\n');
    const res = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
    expect(await count(`SELECT count() AS n FROM events WHERE metric = 'test.big'`)).toBe(0);
  });
});

describe('idempotency by event id', () => {
  it('stores an id once across requests and says how many were repeats', async () => {
    const ts = Date.now() - 500;
    const event = (id: string) => ({ metric: 'test.idem', value: 1, ts, id });
    const first = await post(JSON.stringify([event('idem-1'), event('idem-2'), event('idem-1')]), 'application/json');
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ accepted: 3, duplicates: 1 });
    const again = await post(JSON.stringify([event('idem-2'), event('idem-3')]), 'application/json');
    expect(again.body).toMatchObject({ accepted: 2, duplicates: 1 });
    expect(await count(`SELECT count() AS n FROM events WHERE metric = 'test.idem'`)).toBe(3);
  });

  it('finds stored ids in the store itself, whatever characters they hold', async () => {
    // the lookup a fresh process makes after a restart, when its memory of recent ids is empty
    const ts = Date.now() - 400;
    const odd = ['quote\'s "id"', 'back\\slash', 'ünïcødé-😀', 'semi;colon, comma', 'x'.repeat(128)];
    const res = await post(JSON.stringify(odd.map((id) => ({ metric: 'test.odd', value: 1, ts, id }))), 'application/json');
    expect(res.status).toBe(202);
    const store = new EventStore(server.clickhouse);
    const ask = [...odd, 'never-sent'].map((id) => ({ metric: 'test.odd', value: 1, ts, id, dims: {} }));
    expect([...(await store.storedIds(ask))].map((e) => e.id).sort()).toEqual([...odd].sort());
    // outside the events' metric or the identity window around their time, an id is not a repeat
    expect((await store.storedIds(ask.map((e) => ({ ...e, ts: ts - DEDUP_WINDOW_MS - 1 })))).size).toBe(0);
    expect((await store.storedIds(ask.map((e) => ({ ...e, ts: ts - DEDUP_WINDOW_MS })))).size).toBe(odd.length);
    expect((await store.storedIds(ask.map((e) => ({ ...e, metric: 'test.other' })))).size).toBe(0);
  });

  it("hashes ids as the engine's murmurHash3_32 does, for every shape of id", async () => {
    const ids = ['', 'a', 'ab', 'abc', 'abcd', 'ünïcødé-😀', 'x'.repeat(128), '€'.repeat(128), 'back\\slash\ttab'];
    const r = await server.clickhouse.query({
      query: 'SELECT arrayMap(s -> murmurHash3_32(s), {ids:Array(String)}) AS h',
      query_params: { ids },
      format: 'JSONEachRow',
    });
    const [row] = await r.json<{ h: number[] }>();
    expect(row?.h.map(Number)).toEqual(ids.map((id) => murmurHash3_32(id)));
  });
});

describe('KPIs', () => {
  it('lists definitions with live state under their objective', async () => {
    const res = await fetch(`${server.url}/api/v1/kpis`);
    const body = (await res.json()) as KpiListResponse;
    expect(body.objectives.map((o) => o.id)).toEqual(['sales']);
    expect(body.kpis.find((k) => k.id === 'latency-p95')).toMatchObject({
      objective: 'sales',
      direction: 'lower_is_better',
      state: { status: 'no_data', value: null },
    });
  });

  it('returns a series whose last point equals the live value', async () => {
    const now = Date.now();
    await post([10, 20, 30].map((v, i) => JSON.stringify({ metric: 'test.latency', value: v, ts: now - 60_000 * (i + 1) })).join('\n'));
    const to = Math.ceil(now / 60_000) * 60_000;
    const res = await fetch(`${server.url}/api/v1/kpis/basket-max/series?from=${to - 3_600_000}&to=${to}&step=1m`);
    expect(res.status).toBe(200);
    const series = (await res.json()) as SeriesResponse;
    expect(series.stepMs).toBe(60_000);
    expect(series.points).toHaveLength(60);
    const last = series.points.at(-1)!;
    expect(last[0]).toBe(to);
    await waitFor(async () => ((await kpiValue('basket-max')) === last[1] ? true : undefined), 'series end = live value');
    // points fall on multiples of the step: end the range on one, after the events
    const to5 = Math.ceil(now / 300_000) * 300_000;
    const p95 = (await (
      await fetch(`${server.url}/api/v1/kpis/latency-p95/series?from=${to5 - 600_000}&to=${to5}&step=5m`)
    ).json()) as SeriesResponse;
    // ClickHouse's quantile interpolates between neighbours; with three values p95 lies between the top two
    const p95Value = p95.points.at(-1)?.[1] ?? 0;
    expect(p95Value).toBeGreaterThan(20);
    expect(p95Value).toBeLessThanOrEqual(30);
  });

  it('says which query parameter is wrong', async () => {
    const res = await fetch(`${server.url}/api/v1/kpis/orders/series?from=yesterday&step=1s`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: Array<{ field: string }> } };
    expect(body.error.details.map((d) => d.field)).toContain('from');
    expect((await fetch(`${server.url}/api/v1/kpis/nope/series`)).status).toBe(404);
  });
});

describe('live push and health', () => {
  it('sends hello and a snapshot on connect, then a delta when an event arrives', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
    const messages: ServerMessage[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage));
    await waitFor(() => (messages.some((m) => m.type === 'snapshot') ? true : undefined), 'snapshot');
    expect(messages[0]?.type).toBe('hello');
    const snapshot = messages.find((m) => m.type === 'snapshot');
    expect(snapshot?.type === 'snapshot' && snapshot.kpis.map((k) => k.definition.id)).toContain('revenue');
    await post(JSON.stringify({ metric: 'test.revenue', value: 12345 }));
    const delta = await waitFor(
      () => messages.find((m) => m.type === 'delta' && m.kpis.some((k) => k.id === 'basket-max' && (k.state ?? k.set)?.value === 12345)),
      'delta with the new max',
    );
    expect(delta.type).toBe('delta');
    ws.close();
  });

  it('reports liveness and readiness', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { store: 'ok' } });
  });
});
