import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ClickHouseError } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KpiSchema, type MetricEvent } from '@northstar/shared';
import { openClickHouse, type ClickHouse } from '../apps/server/src/store/clickhouse.ts';
import { EventStore } from '../apps/server/src/store/event-store.ts';
import { migrate, MIGRATIONS } from '../apps/server/src/store/migrations.ts';
import { OidcFlowRepo } from '../apps/server/src/store/oidc-flow-repo.ts';
import { querySeries } from '../apps/server/src/store/series-query.ts';
import { startStoreProcess, type StoreProcess } from './support/store-process.ts';

/**
 * `northstar store` against the client the instances use, @clickhouse/client, over real
 * HTTP to a real process serving chdb: what the client sends (bound parameters, settings,
 * formats, inserts, compression, credentials) must come back as a ClickHouse server answers it.
 */
let root: string;
let store: StoreProcess;
const PASSWORD = 'store-test-password-1';
const MAX_BODY = 256 * 1024;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'northstar-store-'));
  store = await startStoreProcess(path.join(root, 'data'), { password: PASSWORD, args: ['--max-body-bytes', String(MAX_BODY)] });
}, 60_000);
afterAll(async () => {
  await store?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function caught(p: Promise<unknown>): Promise<ClickHouseError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClickHouseError);
  return err as ClickHouseError;
}

describe('northstar store speaks ClickHouse HTTP to @clickhouse/client', () => {
  it('answers /ping without credentials and the client ping with them', async () => {
    const res = await fetch(`${store.url}/ping`);
    expect(await res.text()).toBe('Ok.\n');
    expect((await store.client().ping()).success).toBe(true);
    expect((await store.client().ping({ select: true })).success).toBe(true);
  });

  it('runs commands, inserts JSONEachRow and reads it back as JSONEachRow and JSON', async () => {
    const c = store.client();
    await c.command({ query: 'CREATE TABLE t_rows (id UInt32, name String, tags Array(String)) ENGINE = MergeTree ORDER BY id' });
    const insert = await c.insert({
      table: 't_rows',
      format: 'JSONEachRow',
      values: [
        { id: 1, name: "it's a \\ test\twith tab", tags: ['a', "b'c"] },
        { id: 2, name: 'plain', tags: [] },
      ],
    });
    expect(insert.executed).toBe(true);
    const rows = await (await c.query({ query: 'SELECT * FROM t_rows ORDER BY id', format: 'JSONEachRow' })).json();
    expect(rows).toEqual([
      { id: 1, name: "it's a \\ test\twith tab", tags: ['a', "b'c"] },
      { id: 2, name: 'plain', tags: [] },
    ]);
    const json = await (
      await c.query({ query: 'SELECT count() AS n, sum(id) AS s FROM t_rows', format: 'JSON' })
    ).json<{ n: string; s: string }>();
    expect(json.data).toEqual([{ n: '2', s: '3' }]);
    expect(json.meta?.map((m) => m.name)).toEqual(['n', 's']);
  });

  it('binds parameters of every shape exactly as the client escapes them, and each request only its own', async () => {
    const c = store.client();
    const tricky = "quote ' backslash \\ tab \t newline \n end";
    const r = await c.query({
      query: `SELECT {s:String} AS s, {a:Array(String)} AS a, {n:Nullable(Int64)} AS n, {d:DateTime64(3, 'UTC')} AS d, {f:Float64} AS f`,
      format: 'JSONEachRow',
      query_params: { s: tricky, a: ["x'y", 'z\\w'], n: null, d: new Date(Date.UTC(2026, 11, 7, 1, 2, 3, 456)), f: 1.5 },
    });
    expect(await r.json()).toEqual([{ s: tricky, a: ["x'y", 'z\\w'], n: null, d: '2026-12-07 01:02:03.456', f: 1.5 }]);
    // a parameter the next request does not bind is not left over from this one
    const missing = await caught(c.query({ query: 'SELECT {s:String} AS s', format: 'JSONEachRow' }));
    expect(missing.code).toBe('456');
    expect(missing.type).toBe('UNKNOWN_QUERY_PARAMETER');
  });

  it('applies settings per request: an insert deduplication token drops a repeat, and is gone for the next insert', async () => {
    const c = store.client();
    await c.command({
      query: 'CREATE TABLE t_dedup (id UInt32) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 100',
    });
    const once = { table: 't_dedup', format: 'JSONEachRow' as const, values: [{ id: 1 }] };
    await c.insert({ ...once, clickhouse_settings: { insert_deduplication_token: 'tok-1' } });
    await c.insert({ ...once, clickhouse_settings: { insert_deduplication_token: 'tok-1' } });
    await c.insert({ ...once, clickhouse_settings: { insert_deduplication_token: 'tok-2' } });
    const count = async () =>
      Number((await (await c.query({ query: 'SELECT count() AS n FROM t_dedup', format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n);
    expect(await count()).toBe(2);
    // without a token (and a different block) nothing from the earlier requests applies
    await c.insert({ table: 't_dedup', format: 'JSONEachRow', values: [{ id: 2 }] });
    expect(await count()).toBe(3);
    const setting = await c.query({
      query: "SELECT value FROM system.settings WHERE name = 'max_threads'",
      format: 'JSONEachRow',
      clickhouse_settings: { max_threads: 3 },
    });
    expect(await setting.json()).toEqual([{ value: '3' }]);
  });

  it('takes RowBinary rows as the bytes they are', async () => {
    const c = store.client();
    await c.command({ query: 'CREATE TABLE t_bin (a UInt8, b String) ENGINE = MergeTree ORDER BY a' });
    const rows = Buffer.from([7, 2, 0x68, 0x69, 9, 3, 0xff, 0x00, 0x0a]);
    const r = await c.exec({ query: 'INSERT INTO t_bin (a, b) FORMAT RowBinary', values: Readable.from([rows]) });
    r.stream.resume();
    const back = await (await c.query({ query: 'SELECT a, hex(b) AS h FROM t_bin ORDER BY a', format: 'JSONEachRow' })).json();
    expect(back).toEqual([
      { a: 7, h: '6869' },
      { a: 9, h: 'FF000A' },
    ]);
  });

  it('keeps an engine error its code, name and message', async () => {
    const err = await caught(store.client().query({ query: 'SELECT * FROM no_such_table', format: 'JSONEachRow' }));
    expect(err.code).toBe('60');
    expect(err.type).toBe('UNKNOWN_TABLE');
    expect(err.message).toMatch(/no_such_table/);
    const res = await fetch(`${store.url}/?query=${encodeURIComponent('SELEC 1')}`, {
      headers: { 'X-ClickHouse-User': store.user, 'X-ClickHouse-Key': PASSWORD },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('62');
    expect(await res.text()).toMatch(/^Code: 62\. DB::Exception: .*\(SYNTAX_ERROR\)/);
    // what this subset does not serve is refused by name, not misread as SQL
    const form = new FormData();
    form.set('query', 'SELECT 1');
    const multipart = await fetch(store.url, {
      method: 'POST',
      body: form,
      headers: { 'X-ClickHouse-User': store.user, 'X-ClickHouse-Key': PASSWORD },
    });
    expect(multipart.status).toBe(501);
    expect(await multipart.text()).toMatch(/^Code: 48\. DB::Exception: multipart bodies .* not supported/);
  });

  it('refuses a wrong password, or none, with ClickHouse AUTHENTICATION_FAILED', async () => {
    const err = await caught(
      store.client({ url: store.url, username: store.user, password: 'not-the-password' }).query({ query: 'SELECT 1' }),
    );
    expect(err.code).toBe('516');
    expect(err.type).toBe('AUTHENTICATION_FAILED');
    const none = await fetch(store.url, { method: 'POST', body: 'SELECT 1' });
    expect(none.status).toBe(403);
    expect(none.headers.get('x-clickhouse-exception-code')).toBe('516');
    // the X-ClickHouse-User / X-ClickHouse-Key headers are credentials too
    const ok = await fetch(store.url, {
      method: 'POST',
      body: 'SELECT 41 + 1',
      headers: { 'X-ClickHouse-User': store.user, 'X-ClickHouse-Key': PASSWORD },
    });
    expect(await ok.text()).toBe('42\n');
  });

  it('refuses a body over --max-body-bytes with a clear error, and keeps what was stored before', async () => {
    const c = store.client();
    await c.command({ query: 'CREATE TABLE t_big (s String) ENGINE = MergeTree ORDER BY s' });
    await c.insert({ table: 't_big', format: 'JSONEachRow', values: [{ s: 'kept' }] });
    const big = Array.from({ length: 300 }, (_, i) => ({ s: `${i}-${'x'.repeat(1000)}` }));
    const err = await caught(c.insert({ table: 't_big', format: 'JSONEachRow', values: big }));
    expect(err.code).toBe('229');
    expect(err.type).toBe('QUERY_IS_TOO_LARGE');
    expect(err.message).toMatch(new RegExp(`larger than ${MAX_BODY} bytes .*--max-body-bytes`));
    const rows = await (await c.query({ query: 'SELECT s FROM t_big', format: 'JSONEachRow' })).json();
    expect(rows).toEqual([{ s: 'kept' }]);
  });

  it('compresses the response when the client asks, and inflates a compressed body', async () => {
    const c = store.client({ url: store.url, username: store.user, password: PASSWORD, compression: { response: true, request: true } });
    await c.command({ query: 'CREATE TABLE t_gz (n UInt32) ENGINE = MergeTree ORDER BY n' });
    await c.insert({ table: 't_gz', format: 'JSONEachRow', values: Array.from({ length: 500 }, (_, n) => ({ n })) });
    const rows = await (await c.query({ query: 'SELECT sum(n) AS s FROM t_gz', format: 'JSONEachRow' })).json();
    expect(rows).toEqual([{ s: '124750' }]);
    const raw = await fetch(`${store.url}/?enable_http_compression=1`, {
      method: 'POST',
      body: 'SELECT n FROM t_gz ORDER BY n LIMIT 3',
      headers: { 'Accept-Encoding': 'gzip', 'X-ClickHouse-User': store.user, 'X-ClickHouse-Key': PASSWORD },
    });
    // fetch inflates by itself: the header says the bytes came compressed
    expect(raw.headers.get('content-encoding')).toBe('gzip');
    expect(await raw.text()).toBe('0\n1\n2\n');
  });

  it('refuses to open a data directory another process serves, saying which, and the first keeps serving', async () => {
    const second = startStoreProcess(path.join(root, 'data'), { password: PASSWORD });
    await expect(second).rejects.toThrow(/cannot open the store at .*is a northstar serve or northstar store using this data directory/s);
    expect(await (await store.client().query({ query: 'SELECT count() AS n FROM t_rows', format: 'JSONEachRow' })).json()).toEqual([
      { n: '2' },
    ]);
  });

  it('sends back the query id and the headers the client reads', async () => {
    const c = store.client();
    const r = await c.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow', query_id: 'my-query-1' });
    expect(r.query_id).toBe('my-query-1');
    expect(r.response_headers['x-clickhouse-query-id']).toBe('my-query-1');
    expect(r.response_headers['x-clickhouse-format']).toBe('JSONEachRow');
    await r.json();
    const cmd = await c.command({ query: 'SELECT 1' });
    expect(cmd.summary?.read_rows).toBe('1');
  });
});

describe('the Northstar store layer over northstar store', () => {
  let ch: ClickHouse;
  beforeAll(() => {
    ch = openClickHouse({ clickhouseUrl: store.url, clickhouseUser: store.user, clickhousePassword: PASSWORD, dataDir: root });
  });
  afterAll(async () => {
    await ch?.client.close();
  });

  it('migrates, stores events once, and answers history queries as the events say', async () => {
    expect(ch.kind).toBe('server');
    const applied = await migrate(ch.client);
    expect(applied).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await migrate(ch.client)).toEqual([]);
    const es = new EventStore(ch.client);
    const base = Date.UTC(2026, 11, 6, 10);
    const events: MetricEvent[] = Array.from({ length: 1200 }, (_, i) => ({
      metric: 'layer.orders',
      value: i % 7,
      ts: base + i * 3_000,
      id: `o-${i}`,
      dims: { region: i % 2 ? 'eu' : 'us' },
    }));
    await es.insertEvents(events.slice(0, 600), 'http', 'batch-1');
    await es.insertEvents(events.slice(600), 'http', 'batch-2');
    // a retried batch (same token) is dropped, as on a server
    await es.insertEvents(events.slice(0, 600), 'http', 'batch-1');
    const stored = await es.storedIds(events.slice(590, 610));
    expect(stored.size).toBe(20);
    const kpi = KpiSchema.parse({
      id: 'orders',
      name: 'Orders',
      objective: 'o',
      metric: 'layer.orders',
      aggregation: 'sum',
      window: '1h',
      target: 1,
    });
    const range = { fromMs: base, toMs: base + 3_600_000, stepMs: 600_000 };
    const series = await querySeries(ch.client, kpi, range, { source: 'events' });
    const rolled = await querySeries(ch.client, kpi, range);
    const expected = events.reduce((s, e) => s + e.value, 0);
    expect(series.at(-1)?.[1]).toBe(expected);
    expect(rolled.at(-1)?.[1]).toBe(expected);
    const count = await ch.client.query({ query: "SELECT count() AS n FROM events WHERE metric = 'layer.orders'", format: 'JSONEachRow' });
    expect(await count.json()).toEqual([{ n: '1200' }]);
  });

  it('keeps pending sign-ins for any instance: each taken once, the live ones counted', async () => {
    const repo = new OidcFlowRepo(ch.client);
    // now, not a fixed date: the table drops rows an hour after they expire (its TTL)
    const now = Date.now();
    await repo.save('k1', 'sealed-1', now + 600_000);
    await repo.save('k2', 'sealed-2', now + 600_000);
    await repo.save('k3', 'sealed-3', now - 1);
    expect(await repo.live(now)).toBe(2);
    expect(await repo.take('k1', now)).toBe('sealed-1');
    expect(await repo.take('k1', now)).toBeUndefined();
    expect(await repo.take('k3', now)).toBeUndefined();
    expect(await repo.live(now)).toBe(1);
    expect(await repo.live(now + 600_000)).toBe(0);
  });
});
