import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/harness.ts';

/**
 * Bodies a careless or hostile producer sends to HTTP ingest (issue 14, defects 2, 5 and 8),
 * on a real server: every one is answered with a 2xx or 4xx that says what was wrong and
 * where, the good events beside the bad are stored, and no answer echoes binary.
 */
let server: TestServer;
const LIMIT = 256 * 1024;

beforeAll(async () => {
  server = await startTestServer({ env: { NORTHSTAR_AUTH: 'off', HTTP_BODY_LIMIT_BYTES: String(LIMIT) } });
});
afterAll(async () => {
  await server?.stop();
});

interface Answer {
  status: number;
  body: { accepted?: number; rejected?: Array<{ line: number; reason: string }>; error?: { code: string; message: string } };
  text: string;
}

async function post(body: Uint8Array | string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', ...headers },
    body: typeof body === 'string' ? body : Buffer.from(body),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Answer['body'], text };
}

async function stored(metric: string): Promise<Array<{ id: string; value: number }>> {
  const r = await server.clickhouse.query({
    query: 'SELECT id, value FROM events WHERE metric = {metric:String} ORDER BY value',
    query_params: { metric },
    format: 'JSONEachRow',
  });
  return r.json();
}

/** Binary or control characters in an answer: what a reason must never carry. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const BINARY = /[\u0000-\u0008\u000e-\u001f\ufffd]/;

describe('hostile bodies on HTTP ingest', () => {
  it('rejects a JSON-array element nested 5 000 or 50 000 levels deep on its own and stores the rest (was a 500)', async () => {
    for (const [i, levels] of [5_000, 50_000].entries()) {
      const deep = '['.repeat(levels) + ']'.repeat(levels);
      const metric = `hostile.deep${i}`;
      const res = await post(`[{"metric":"${metric}","value":1},${deep},{"metric":"${metric}","value":2}]`, {
        'content-type': 'application/json',
      });
      expect(res.status).toBe(202);
      expect(res.body.accepted).toBe(2);
      expect(res.body.rejected).toEqual([{ line: 2, reason: expect.stringMatching(/nests \d+ levels deep/) }]);
      expect((await stored(metric)).map((e) => e.value)).toEqual([1, 2]);
    }
  });

  it('refuses invalid UTF-8 with the line and byte offset, so ids differing only in a bad byte do not collide', async () => {
    const line = (b: number) =>
      Buffer.concat([Buffer.from('{"metric":"hostile.utf8","value":1,"id":"k'), Buffer.from([b]), Buffer.from('"}\n')]);
    const body = Buffer.concat([line(0xff), line(0xfe), Buffer.from('{"metric":"hostile.utf8","value":2,"id":"fine"}\n')]);
    const res = await post(body);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected?.map((r) => r.line)).toEqual([1, 2]);
    expect(res.body.rejected?.[0]?.reason).toMatch(/^not valid UTF-8: byte 0xff at byte 43 of the line \(byte offset 42 in the body\)/);
    expect(res.text).not.toMatch(BINARY);
    expect(await stored('hostile.utf8')).toEqual([{ id: 'fine', value: 2 }]);
    const json = await post(
      Buffer.concat([Buffer.from('[{"metric":"hostile.utf8","value":1,"id":"\xe9'), Buffer.from([0xc3]), Buffer.from('"}]')]),
      {
        'content-type': 'application/json',
      },
    );
    expect(json.status).toBe(400);
    expect(json.body.error?.message).toMatch(/not valid UTF-8: byte 0xc3 at byte offset \d+ \(line 1, byte \d+ of the line\)/);
  });

  it('keeps a reject whose reason holds a lone surrogate (the store refused it: a 503 for ever) and stores the good event', async () => {
    const res = await post('{"metric":"hostile.sur","value":1,"dims":{"\\ud800x":"y"}}\n{"metric":"hostile.sur","value":2}\n');
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected?.map((r) => r.line)).toEqual([1]);
    expect(await stored('hostile.sur')).toEqual([{ id: '', value: 2 }]);
  });

  it('accepts a gzip body, refuses a zip bomb with 413 and an unsupported encoding with 415', async () => {
    const events = Array.from({ length: 500 }, (_, i) => JSON.stringify({ metric: 'hostile.gzip', value: i, id: `g-${i}` })).join('\n');
    const ok = await post(gzipSync(events), { 'content-encoding': 'gzip' });
    expect(ok.status).toBe(202);
    expect(ok.body.accepted).toBe(500);
    expect(await stored('hostile.gzip')).toHaveLength(500);

    // 40 kB on the wire, 50 MB inflated: stopped at the body limit, never inflated whole
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(LIMIT);
    const big = await post(bomb, { 'content-encoding': 'gzip' });
    expect(big.status).toBe(413);
    expect(big.body.error?.message).toBe(`gzip body inflates to more than ${LIMIT} bytes; split it into smaller requests`);

    const br = await post('x', { 'content-encoding': 'br' });
    expect(br.status).toBe(415);
    expect(br.body.error?.message).toMatch(
      /Content-Encoding: br is not supported; send the body uncompressed or with Content-Encoding: gzip/,
    );

    const corrupt = await post(Buffer.from([0x1f, 0x8b, 1, 2, 3]), { 'content-encoding': 'gzip' });
    expect(corrupt.status).toBe(400);
    expect(corrupt.text).not.toMatch(BINARY);
  });

  it('answers a gzip body sent without Content-Encoding with a reason that echoes no binary', async () => {
    const res = await post(gzipSync('{"metric":"hostile.nohdr","value":1}'), { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/not valid UTF-8.*looks gzip-compressed: say Content-Encoding: gzip/);
    expect(res.text).not.toMatch(BINARY);
  });

  it('sends a CSP that forbids framing and foreign base and form targets', async () => {
    const csp = (await fetch(`${server.url}/healthz`)).headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/base-uri 'self'/);
    expect(csp).toMatch(/form-action 'self'/);
  });
});
