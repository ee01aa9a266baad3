import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import WebSocket from 'ws';
import type { ErrorResponse, IngestResponse } from '@northstar/shared';
import { LiveTestClient } from './support/live-client.ts';
import { startTestServer, waitFor, type TestServer } from './support/harness.ts';

/**
 * Hostile and careless input on a real server (real chdb): every bad event gets a 400-class
 * answer naming the line and field, the good events of the same request are stored, every
 * rejected one is recorded, and no answer carries a stack trace or SQL.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

/** The counts of a 202 or of a 400 that accepted nothing, with its error. */
type IngestBody = IngestResponse & Partial<ErrorResponse>;

async function post(body: string, contentType = 'application/x-ndjson'): Promise<{ status: number; text: string; body: IngestBody }> {
  const res = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as IngestBody };
}

async function count(sql: string, params: Record<string, unknown> = {}): Promise<number> {
  const r = await server.clickhouse.query({ query: sql, query_params: params, format: 'JSONEachRow' });
  return Number((await r.json<{ n: string }>())[0]?.n);
}

/** What an error answer must never show: a stack frame, a source path, or SQL. */
const LEAKS = /\bat \S+ \(|\.ts:\d+|node_modules|\bSELECT\b|\bINSERT\b|\bFROM\s+\w+|DB::Exception|Code: \d+/;

const now = Date.now();
const good = (id: string, extra: Record<string, unknown> = {}) => JSON.stringify({ metric: 'bad.input', value: 1, id, ts: now, ...extra });

/** One bad line, what the reason must say about it, and the line's text. */
const BAD_LINES: Array<{ what: string; line: string; reason: RegExp }> = [
  { what: 'malformed JSON', line: '{"metric":"bad.input","value":', reason: /^not valid JSON \(column 31: expected a value at the end/ },
  { what: 'not an object', line: '[1,2,3]', reason: /event must be a JSON object/ },
  { what: 'a bare string', line: '"hello"', reason: /event must be a JSON object/ },
  { what: 'null', line: 'null', reason: /event must be a JSON object/ },
  { what: 'value as a string', line: '{"metric":"bad.input","value":"12"}', reason: /^value: value must be a number, not string/ },
  { what: 'value as a bool', line: '{"metric":"bad.input","value":true}', reason: /^value: value must be a number, not boolean/ },
  { what: 'metric as a number', line: '{"metric":42,"value":1}', reason: /^metric: metric must be a string/ },
  { what: 'missing value', line: '{"metric":"bad.input"}', reason: /^value: value is required/ },
  {
    what: 'NaN token',
    line: '{"metric":"bad.input","value":NaN}',
    reason: /^not valid JSON \(column 31: unexpected "NaN" \(JSON has no NaN/,
  },
  { what: 'Infinity token', line: '{"metric":"bad.input","value":Infinity}', reason: /^not valid JSON \(column 31: unexpected "Infinity"/ },
  { what: '-Infinity token', line: '{"metric":"bad.input","value":-Infinity}', reason: /^not valid JSON \(column 31: .*"-Infinity"/ },
  { what: 'NaN as a string', line: '{"metric":"bad.input","value":"NaN"}', reason: /^value: value must be a number, not string/ },
  { what: 'Infinity as a string', line: '{"metric":"bad.input","value":"Infinity"}', reason: /^value: value must be a number/ },
  { what: '1e309 overflows to Infinity', line: '{"metric":"bad.input","value":1e309}', reason: /^value: .*finite number/ },
  { what: '-1e309', line: '{"metric":"bad.input","value":-1e309}', reason: /^value: .*finite number/ },
  { what: 'ts 1e309', line: '{"metric":"bad.input","value":1,"ts":1e309}', reason: /^ts: must be a finite number/ },
  { what: 'ts in 1970', line: '{"metric":"bad.input","value":1,"ts":"1970-01-01T00:00:00Z"}', reason: /^ts: is before 2000-01-01/ },
  { what: 'ts epoch 0', line: '{"metric":"bad.input","value":1,"ts":0}', reason: /^ts: is before 2000-01-01/ },
  {
    what: 'ts year 9999',
    line: '{"metric":"bad.input","value":1,"ts":"9999-12-31T23:59:59Z"}',
    reason: /^ts: is more than 24 h in the future/,
  },
  { what: 'ts epoch 1e15', line: '{"metric":"bad.input","value":1,"ts":1e15}', reason: /^ts: is more than 24 h in the future/ },
  { what: 'ts without a zone', line: '{"metric":"bad.input","value":1,"ts":"2026-11-25 01:02:03"}', reason: /^ts: .*not ISO 8601/ },
  {
    what: '10 kB metric name',
    line: JSON.stringify({ metric: 'm'.repeat(10_240), value: 1 }),
    reason: /^metric: metric is longer than 128 characters/,
  },
  {
    what: 'dims with 1000 keys',
    line: JSON.stringify({
      metric: 'bad.input',
      value: 1,
      dims: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, 'v'])),
    }),
    reason: /^dims: dims has more than 32 keys/,
  },
  {
    what: 'a 100 kB dim value',
    line: JSON.stringify({ metric: 'bad.input', value: 1, dims: { team: 'x'.repeat(100_000) } }),
    reason: /^dims\.team: dimension value is longer than 256 characters/,
  },
  {
    what: 'a 1 kB dim name',
    line: JSON.stringify({ metric: 'bad.input', value: 1, dims: { ['k'.repeat(1000)]: 'v' } }),
    reason: /dimension name is longer than 64 characters/,
  },
  { what: 'dims as an array', line: '{"metric":"bad.input","value":1,"dims":["a"]}', reason: /^dims: / },
  { what: 'a numeric dim value', line: '{"metric":"bad.input","value":1,"dims":{"n":5}}', reason: /^dims\.n: / },
  { what: 'an unknown field', line: '{"metric":"bad.input","value":1,"__proto__":{"x":1}}', reason: /unknown field/ },
  {
    what: 'a lone surrogate in a dim value',
    line: '{"metric":"bad.input","value":1,"dims":{"team":"a\\ud800b"}}',
    reason: /^dims\.team: .*Unicode/,
  },
  { what: 'a lone low surrogate in the id', line: '{"metric":"bad.input","value":1,"id":"x\\udfff"}', reason: /^id: .*Unicode/ },
  {
    what: 'NUL in a dim value',
    line: '{"metric":"bad.input","value":1,"dims":{"team":"a\\u0000b"}}',
    reason: /^dims\.team: .*control character/,
  },
  {
    what: 'an escape in a dim value',
    line: '{"metric":"bad.input","value":1,"dims":{"team":"\\u001b[31m"}}',
    reason: /^dims\.team: .*control character/,
  },
  { what: 'an emoji metric name', line: '{"metric":"orders🚀","value":1}', reason: /^metric: metric may only contain/ },
  { what: 'a zero-width space in the metric', line: '{"metric":"bad\\u200binput","value":1}', reason: /^metric: metric may only contain/ },
  {
    what: 'RTL override in a dim name',
    line: '{"metric":"bad.input","value":1,"dims":{"\\u202eteam":"x"}}',
    reason: /dimension name may only contain/,
  },
  {
    what: 'SQL in the metric name',
    line: JSON.stringify({ metric: "x'); DROP TABLE events; --", value: 1 }),
    reason: /^metric: metric may only contain/,
  },
];

/** Text a person may legitimately put in a dimension value: kept exactly as sent. */
const ODD_BUT_VALID = {
  rtl: 'abc\u202Edef',
  zeroWidth: 'pay\u200Bments\u200D',
  emoji: '🚀👩‍👩‍👧‍👦🇪🇺',
  arabic: 'الرياض',
  sql: "'); DROP TABLE events; --",
  xss: '<img src=x onerror=alert(1)>',
};

describe('bad events over HTTP', () => {
  it('names every bad NDJSON line with its field and reason, stores the good ones, and records each rejection', async () => {
    const rejectedBefore = await count(`SELECT count() AS n FROM rejected_events WHERE source = 'http'`);
    const lines = [good('g-1')];
    for (const b of BAD_LINES) lines.push(b.line);
    lines.push(good('g-2', { dims: ODD_BUT_VALID }));
    const res = await post(lines.join('\n'));
    expect(res.status).toBe(202);
    expect(res.text).not.toMatch(LEAKS);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected).toHaveLength(BAD_LINES.length);
    BAD_LINES.forEach((b, i) => {
      const r = res.body.rejected[i]!;
      expect({ what: b.what, line: r.line }).toEqual({ what: b.what, line: i + 2 });
      expect({ what: b.what, reason: r.reason }).toEqual({ what: b.what, reason: expect.stringMatching(b.reason) });
      // a reason is for a person: bounded, and it does not echo a 100 kB value back
      expect(r.reason.length).toBeLessThan(300);
    });
    expect(await count(`SELECT count() AS n FROM events WHERE id IN ('g-1', 'g-2')`)).toBe(2);
    expect(await count(`SELECT count() AS n FROM rejected_events WHERE source = 'http'`)).toBe(rejectedBefore + BAD_LINES.length);
    // the rejected lines are kept with their line numbers, for the producer to find
    expect(
      await count(
        `SELECT count() AS n FROM rejected_events WHERE source = 'http' AND location = {loc:String} AND reason LIKE '%before 2000%'`,
        {
          loc: `line ${BAD_LINES.findIndex((b) => b.what === 'ts in 1970') + 2}`,
        },
      ),
    ).toBe(1);
  });

  it('keeps odd but valid Unicode in dimension values exactly, and SQL text as plain data', async () => {
    const r = await server.clickhouse.query({
      query: `SELECT dims FROM events WHERE id = {id:String}`,
      query_params: { id: 'g-2' },
      format: 'JSONEachRow',
    });
    const rows = await r.json<{ dims: Record<string, string> }>();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.dims).toEqual(ODD_BUT_VALID);
    // the table the SQL text names is still there, holding what it held
    expect(await count(`SELECT count() AS n FROM events WHERE id IN ('g-1', 'g-2')`)).toBe(2);
  });

  it('answers 400 with the reason for every line when nothing is good', async () => {
    const res = await post(['{"metric":"bad.input","value":NaN}', '{"metric":"bad.input","value":1e309}'].join('\n'));
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('nothing_accepted');
    expect(res.body.rejected.map((r) => [r.line, r.reason])).toEqual([
      [1, expect.stringMatching(/not valid JSON/)],
      [2, expect.stringMatching(/^value: .*finite/)],
    ]);
    expect(res.text).not.toMatch(LEAKS);
  });

  it('refuses a JSON array that does not parse, saying where, stores none of it and keeps the body', async () => {
    const before = await count(`SELECT count() AS n FROM events WHERE metric = 'bad.array'`);
    const keptBefore = await count(`SELECT count() AS n FROM rejected_events WHERE location = 'body'`);
    for (const body of [
      '[{"metric":"bad.array","value":1},{"metric":"bad.array","value":NaN}]',
      '[{"metric":"bad.array","value":1},{"metric":"bad.array","value":Infinity}]',
      '[{"metric":"bad.array","value":1},',
      '{"metric":"bad.array","value":1}}',
    ]) {
      const res = await post(body, 'application/json');
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('bad_body');
      expect(res.body.error?.message).toMatch(/^body is not valid JSON \(line 1, column \d+: /);
      expect(res.text).not.toMatch(LEAKS);
    }
    expect(await count(`SELECT count() AS n FROM events WHERE metric = 'bad.array'`)).toBe(before);
    expect(
      await count(
        `SELECT count() AS n FROM rejected_events WHERE location = 'body' AND startsWith(reason, 'body is not valid JSON (line 1, column ')`,
      ),
    ).toBe(keptBefore + 4);
  });

  it('judges JSON array elements one by one, numbering them from 1', async () => {
    const res = await post(
      JSON.stringify([{ metric: 'bad.array', value: 1, id: 'arr-1' }, 'x', { metric: 'bad.array', value: '1' }, 7, null]),
      'application/json',
    );
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r) => r.line)).toEqual([2, 3, 4, 5]);
    expect(res.body.rejected[1]?.reason).toMatch(/^value: value must be a number, not string/);
    expect(await count(`SELECT count() AS n FROM events WHERE id = 'arr-1'`)).toBe(1);
  });

  it('refuses a body over the size limit with 413 and says the limit', async () => {
    const line = good('big');
    const body = Array.from({ length: Math.ceil((server.settings.httpBodyLimitBytes + 1) / line.length) }, () => line).join('\n');
    const res = await post(body);
    expect(res.status).toBe(413);
    expect(res.body.error?.message).toContain(String(server.settings.httpBodyLimitBytes));
    expect(await count(`SELECT count() AS n FROM events WHERE id = 'big'`)).toBe(0);
  });

  it('refuses a bad Idempotency-Key by name', async () => {
    const res = await fetch(`${server.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', 'idempotency-key': "k'; DROP TABLE events; --" },
      body: good('idem'),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Idempotency-Key/);
    expect(await count(`SELECT count() AS n FROM events WHERE id = 'idem'`)).toBe(0);
  });
});

describe('bad definitions over the model API', () => {
  async function send(method: 'POST' | 'PUT', path: string, body: string) {
    const res = await fetch(`${server.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body });
    const text = await res.text();
    return {
      status: res.status,
      text,
      body: JSON.parse(text) as { error: { code: string; message: string; details?: Array<{ field: string; message: string }> } },
    };
  }

  it('says where a body is not JSON', async () => {
    const res = await send('POST', '/api/v1/objectives', '{"id":"x","name":NaN}');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_json');
    expect(res.body.error.message).toBe(
      'body is not valid JSON (line 1, column 18: unexpected "NaN" (JSON has no NaN or Infinity: send a finite number))',
    );
    expect(res.text).not.toMatch(LEAKS);
  });

  it('stops reading a body over the API bound, sized or streamed', async () => {
    const huge = `{"id":"big","name":"${'x'.repeat(5 * 1024 * 1024)}"}`;
    const sized = await fetch(`${server.url}/api/v1/objectives`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: huge,
    });
    expect(sized.status).toBe(413);
    expect(((await sized.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
    // no Content-Length: counted while it streams (own connection: the server answers before the body ends)
    const streamedStatus = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/api/v1/annotations`, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      const chunk = 'x'.repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 100 && !req.destroyed) {
          sent += 1;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!req.destroyed) req.end();
      };
      pump();
    });
    expect(streamedStatus).toBe(413);
    expect((await fetch(`${server.url}/api/v1/objectives/big`)).status).toBe(404);
  });

  it('names each wrong field, for every kind', async () => {
    const cases: Array<{ path: string; body: unknown; fields: string[] }> = [
      { path: '/api/v1/objectives', body: { id: 'o1', name: 42, owner: 'x'.repeat(10_000) }, fields: ['name', 'owner'] },
      { path: '/api/v1/objectives', body: { id: "o'; DROP TABLE objectives; --", name: 'x' }, fields: ['id'] },
      {
        path: '/api/v1/kpis',
        body: { id: 'k1', name: 'K', metric: 'm', aggregation: 'sum', window: '1h', target: 'NaN', unit: 'u'.repeat(1000) },
        fields: ['target', 'unit'],
      },
      {
        path: '/api/v1/kpis',
        body: {
          id: 'k2',
          name: 'K',
          metric: 'm',
          aggregation: 'sum',
          window: 'x'.repeat(5000),
          filter: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`d${i}`, 'v'])),
        },
        fields: ['window', 'filter'],
      },
      { path: '/api/v1/goals', body: { id: 'g1', name: 'G', owner: '', kpi: 'orders', target: 'x' }, fields: ['owner', 'target'] },
      {
        path: '/api/v1/rules',
        body: { id: 'r1', name: 'x'.repeat(300), kpis: ['orders'], condition: { type: 'threshold', op: '>', value: 'Infinity' } },
        fields: ['name', 'condition'],
      },
      {
        path: '/api/v1/boards',
        body: { id: 'b1', name: 'B', kpis: ['orders', 'orders'], rotateSeconds: '<1e309>' },
        fields: ['kpis', 'rotateSeconds'],
      },
      { path: '/api/v1/boards', body: { id: 'b2', name: 'B\u0000', description: 'a\ud800' }, fields: ['name', 'description'] },
    ];
    for (const c of cases) {
      // JSON.stringify cannot write 1e309 (it writes null); put it in as a producer would
      const text = JSON.stringify(c.body).replace('"<1e309>"', '1e309');
      const res = await send('POST', c.path, text);
      expect({ path: c.path, status: res.status }).toEqual({ path: c.path, status: 400 });
      const fields = (res.body.error.details ?? []).map((d) => d.field.split(/[.[]/)[0]);
      for (const f of c.fields) expect({ path: c.path, fields }).toEqual({ path: c.path, fields: expect.arrayContaining([f]) });
      expect(res.text).not.toMatch(LEAKS);
    }
    expect((await fetch(`${server.url}/api/v1/boards`).then((r) => r.json())) as unknown[]).toEqual([]);
  });
});

describe('WebSocket frames over the limit', () => {
  it('closes a client that sends a frame over the limit with 1009, and keeps serving the others', async () => {
    const bystander = await LiveTestClient.connect(server.url);
    await waitFor(() => (bystander.messages.some((m) => m.type === 'snapshot') ? true : undefined), 'bystander snapshot');
    const abuser = await LiveTestClient.connect(server.url);
    const closed = new Promise<number>((resolve) => abuser.ws.once('close', (code) => resolve(code)));
    abuser.ws.send('x'.repeat(1024 * 1024));
    expect(await closed).toBe(1009);

    // a frame under the transport limit but over the message limit is refused, not fatal
    const chatty = await LiveTestClient.connect(server.url);
    chatty.send(JSON.stringify({ type: 'subscribe', kpis: ['orders'], pad: 'x'.repeat(20_000) }));
    chatty.send({ type: 'subscribe', kpis: ['orders'] });

    // the others are still served: the bystander gets the next update, a new client connects
    const res = await post(good('after-ws', { ts: Date.now() }).replace('bad.input', 'test.orders'));
    expect(res.status).toBe(202);
    await waitFor(() => (bystander.states.get('orders')?.value === 1 ? true : undefined), 'bystander sees the update');
    await waitFor(() => (chatty.states.get('orders')?.value === 1 ? true : undefined), 'chatty client sees the update');
    expect(bystander.closed).toBeUndefined();
    expect(chatty.closed).toBeUndefined();
    const late = await LiveTestClient.connect(server.url);
    await waitFor(() => (late.messages.some((m) => m.type === 'snapshot') ? true : undefined), 'a new client gets a snapshot');
    for (const c of [bystander, chatty, late]) await c.close();
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/northstar_ws_client_messages_total\{outcome="oversized"\} [1-9]/);
  });

  it('refuses a binary frame and junk as messages, then closes a client that keeps sending them', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    for (let i = 0; i < 12; i++) ws.send(i % 2 === 0 ? Buffer.from([0, 1, 2]) : '{"type":"subscribe","kpis":');
    expect(await closed).toBe(1008);
  });
});

describe('when the server itself fails', () => {
  it('answers 500/503 without a stack trace or SQL when the store is gone', async () => {
    // the last test: the store's client is closed under the running server
    await server.clickhouse.close();
    for (const path of [
      '/api/v1/kpis/orders/series?range=24h',
      '/api/v1/kpis/orders/breakdown?by=team',
      '/api/v1/alerts/history',
      '/api/v1/annotations',
      '/readyz',
    ]) {
      const res = await fetch(`${server.url}${path}`);
      const text = await res.text();
      expect({ path, status: res.status }).toEqual({ path, status: expect.any(Number) });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect({ path, text }).toEqual({ path, text: expect.not.stringMatching(LEAKS) });
    }
    const res = await post(good('store-gone'));
    expect(res.status).toBe(503);
    expect(res.text).not.toMatch(LEAKS);
  });
});
