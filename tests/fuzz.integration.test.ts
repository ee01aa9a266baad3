import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storedEvents, type TestServer } from './support/harness.ts';

/**
 * Property-based fuzzing (fast-check) of three doors a producer or a user reaches with
 * input we did not make: the event decoder (HTTP ingest), the model import (YAML and
 * JSON), and query parameters. For every generated input the answer is a 2xx or a 4xx
 * with a reason, never a 5xx; and nothing accepted earlier is lost: the store holds
 * exactly the baseline plus what each answer said it accepted (less its repeats).
 * Bounded in runs and in time (FUZZ_RUNS scales the runs; the seed is printed to replay).
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const TIME_LIMIT_MS = 25_000;
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BASELINE = 500;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { NORTHSTAR_AUTH: 'off', HTTP_BODY_LIMIT_BYTES: String(512 * 1024) } });
  const now = Date.now();
  const body = Array.from({ length: BASELINE }, (_, i) =>
    JSON.stringify({ metric: 'test.orders', value: 1, ts: now - i, id: `base-${i}` }),
  ).join('\n');
  const res = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
  expect(res.status).toBe(202);
});
afterAll(async () => {
  await server?.stop();
});

async function totalStored(): Promise<number> {
  const r = await server.clickhouse.query({ query: 'SELECT count() AS n FROM events', format: 'JSONEachRow' });
  return Number((await r.json<{ n: string }>())[0]!.n);
}

/** A 4xx must say why; a 2xx is JSON too. */
function checkAnswer(status: number, text: string, what: string): unknown {
  expect(status, `${what} answered ${status}: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (status >= 400) {
    const body = JSON.parse(text) as { error?: { message?: string } };
    expect(body.error?.message, `${what}: a ${status} without a reason`).toMatch(/\S/);
    return body;
  }
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

const params = { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, endOnFailure: true };

/** Field values a careless producer sends: right, wrong type, huge, odd Unicode, prototype keys. */
const oddString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', '', ' ', 'NaN', '1e309', '\u0000', '\ud800', 'a'.repeat(300)),
);
const fieldValue = fc.oneof(oddString, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));
const eventLike = fc.record(
  {
    metric: fc.oneof(fc.constantFrom('fuzz.a', 'fuzz.b', 'test.orders'), oddString, fieldValue),
    value: fc.oneof(fc.double({ noNaN: false }), fc.integer(), fieldValue),
    ts: fc.oneof(
      fc.integer({ min: Date.now() - 86_400_000, max: Date.now() }),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fieldValue,
    ),
    id: fc.oneof(fc.constantFrom('dup-1', 'dup-2'), oddString, fieldValue),
    dims: fc.oneof(fc.dictionary(oddString, fc.oneof(oddString, fieldValue), { maxKeys: 5 }), fieldValue),
    extra: fieldValue,
  },
  { requiredKeys: [] },
);
/** Events that pass: so the property also covers what is accepted beside what is not, and repeats by id. */
const validEvent = fc.record(
  {
    metric: fc.constantFrom('fuzz.a', 'fuzz.b'),
    value: fc.double({ noNaN: true, noDefaultInfinity: true }),
    ts: fc.integer({ min: Date.now() - 3_600_000, max: Date.now() }),
    id: fc.oneof(fc.constantFrom('dup-1', 'dup-2', 'dup-3'), fc.uuid()),
    dims: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
  },
  { requiredKeys: ['metric', 'value'] },
);
/** Text with a key spelled `__proto__`: JSON.stringify cannot make one from an object. */
const withProtoKey = eventLike.map((e) => JSON.stringify(e).replace(/^\{/, '{"dims":{"__proto__":"p"},'));
const deep = fc.integer({ min: 1, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
const line = fc.oneof(
  { arbitrary: validEvent.map((e) => JSON.stringify(e)), weight: 4 },
  eventLike.map((e) => JSON.stringify(e)),
  withProtoKey,
  deep,
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
);
const body = fc.oneof(
  fc.array(line, { maxLength: 30 }).map((ls) => ({ text: ls.join('\n'), type: 'application/x-ndjson' })),
  fc.array(line, { maxLength: 30 }).map((ls) => ({ text: `[${ls.join(',')}]`, type: 'application/json' })),
  fc.uint8Array({ maxLength: 2000 }).map((bytes) => ({ bytes, type: 'application/json' })),
  fc.uint8Array({ maxLength: 2000 }).map((bytes) => ({ bytes, type: 'application/x-ndjson' })),
);
const encoding = fc.constantFrom(undefined, undefined, 'gzip', 'identity', 'br', 'gzip, gzip', 'x-gzip');

describe('fuzz (fast-check)', () => {
  it('the event decoder answers every body with 2xx or 4xx and loses nothing accepted', { timeout: 120_000 }, async () => {
    const before = await totalStored();
    let accepted = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(body, encoding, async (b, enc) => {
        runs++;
        let payload: Buffer = 'bytes' in b ? Buffer.from(b.bytes) : Buffer.from(b.text, 'utf8');
        if (enc === 'gzip' || enc === 'x-gzip') payload = gzipSync(payload);
        const headers: Record<string, string> = { 'content-type': b.type };
        if (enc !== undefined) headers['content-encoding'] = enc;
        const res = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers, body: payload });
        const answer = checkAnswer(res.status, await res.text(), 'POST /api/v1/events') as
          { accepted?: number; duplicates?: number } | undefined;
        if (res.status === 202) accepted += (answer?.accepted ?? 0) - (answer?.duplicates ?? 0);
      }),
      params,
    );
    const after = await totalStored();
    console.log(`fuzz: decoder ${runs} bodies (seed ${SEED}); accepted and new ${accepted}; stored ${before} → ${after}`);
    expect(after).toBe(before + accepted);
    expect(await storedEvents(server, 'test.orders')).toBeGreaterThanOrEqual(BASELINE);
  });

  it('the model import answers every YAML or JSON document with 2xx or 4xx, and the model stays whole', { timeout: 120_000 }, async () => {
    const kpiLike = fc.record(
      {
        id: fc.oneof(fc.constantFrom('fz-1', 'fz-2', '__proto__'), oddString),
        name: fieldValue,
        objective: fc.oneof(fc.constant('sales'), fieldValue),
        metric: fc.oneof(fc.constant('fuzz.a'), fieldValue),
        aggregation: fc.oneof(fc.constantFrom('count', 'sum', 'p95'), fieldValue),
        window: fc.oneof(fc.constantFrom('1h', '5m'), fieldValue),
        target: fieldValue,
        filter: fc.oneof(fc.dictionary(oddString, oddString, { maxKeys: 3 }), fieldValue),
      },
      { requiredKeys: [] },
    );
    const doc = fc.oneof(
      fc.record(
        { kpis: fc.array(kpiLike, { maxLength: 3 }), objectives: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 2 }) },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 4 }),
    );
    const text = fc.oneof(
      doc.map((d) => ({ text: toYaml(d), type: 'application/yaml' })),
      doc.map((d) => ({ text: JSON.stringify(d) ?? 'null', type: 'application/json' })),
      kpiLike.map((k) => ({ text: `kpis:\n  - ${JSON.stringify(k)}\n  - { filter: { __proto__: x } }\n`, type: 'application/yaml' })),
      fc.string({ maxLength: 300 }).map((t) => ({ text: t, type: 'application/yaml' })),
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(text, fc.boolean(), async (t, asKpi) => {
        runs++;
        const url = asKpi ? `${server.url}/api/v1/kpis` : `${server.url}/api/v1/model?mode=merge`;
        const res = await fetch(url, {
          method: asKpi ? 'POST' : 'PUT',
          headers: { 'content-type': asKpi ? 'application/json' : t.type },
          body: t.text,
        });
        checkAnswer(res.status, await res.text(), asKpi ? 'POST /api/v1/kpis' : 'PUT /api/v1/model');
      }),
      params,
    );
    console.log(`fuzz: model import ${runs} documents (seed ${SEED})`);
    // what was there before is still there
    const kpi = await fetch(`${server.url}/api/v1/kpis/orders`);
    expect(kpi.status).toBe(200);
    expect(await storedEvents(server, 'test.orders')).toBeGreaterThanOrEqual(BASELINE);
  });

  it('query parameters get a 2xx or a 4xx with a reason, never a 5xx', { timeout: 120_000 }, async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '',
        '0',
        '-1',
        '1e309',
        'NaN',
        '2026-13-45',
        '1m',
        '0s',
        '999999d',
        'previous,last_year',
        'csv',
        'json',
        'region',
        '__proto__',
      ),
      fc.integer().map(String),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    );
    const query = fc.dictionary(fc.constantFrom('from', 'to', 'step', 'compare', 'dim', 'top', 'format', 'mode', 'x'), value, {
      maxKeys: 5,
    });
    const path = fc.constantFrom(
      '/api/v1/kpis/orders/series',
      '/api/v1/kpis/orders/breakdown',
      '/api/v1/kpis/orders/export',
      '/api/v1/kpis',
      '/api/v1/kpis/__proto__/series',
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(path, query, async (p, q) => {
        runs++;
        const res = await fetch(`${server.url}${p}?${new URLSearchParams(q).toString()}`);
        const text = await res.text();
        expect(res.status, `${p}?${new URLSearchParams(q).toString()} answered ${res.status}: ${text.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400) expect((JSON.parse(text) as { error?: { message?: string } }).error?.message).toMatch(/\S/);
      }),
      params,
    );
    console.log(`fuzz: query parameters ${runs} requests (seed ${SEED})`);
  });
});
