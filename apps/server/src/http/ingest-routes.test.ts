import { gzipSync } from 'node:zlib';
import type { IngestRefusal, IngestResponse, MetricEvent } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { BackpressureError } from '../ingest/batch-writer.ts';
import type { RejectedRecord } from '../store/event-store.ts';
import { createMetrics } from '../observe/metrics.ts';
import { ingestRoutes, type IngestRouteDeps } from './ingest-routes.ts';
import { expectError } from './routes.fixture.ts';

/** The ingestor's three calls over arrays: what was stored, under which key, and what was rejected. */
function memoryIngestor(fail?: Error) {
  const stored: MetricEvent[] = [];
  const rejected: RejectedRecord[] = [];
  const keys: string[] = [];
  const ingestor: IngestRouteDeps['ingestor'] = {
    reject: (records) => {
      rejected.push(...records);
      return Promise.resolve();
    },
    writeGrouped: (events) => {
      if (fail) return Promise.reject(fail);
      stored.push(...events);
      return Promise.resolve({ duplicates: 0, refused: [] });
    },
    writeBatchIsolating: (events, _source, key) => {
      keys.push(key);
      stored.push(...events);
      return Promise.resolve({ stored: events.length, duplicates: 0, refused: [], repeats: [] });
    },
  };
  return { stored, rejected, keys, ingestor };
}

function routes(fail?: Error) {
  const memory = memoryIngestor(fail);
  const app = ingestRoutes({ ingestor: memory.ingestor, metrics: createMetrics(), bodyLimitBytes: 4096 });
  const post = (body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/x-ndjson' }) =>
    app.request('/api/v1/events', { method: 'POST', headers, body });
  return { ...memory, post };
}

describe('POST /api/v1/events', () => {
  it('accepts good lines with 202 and names each bad line and why, keeping it', async () => {
    const { post, stored, rejected } = routes();
    const res = await post('{"metric":"m","value":1}\n{"metric":"m","value":"x"}\n{"metric":"m","value":2}');
    expect(res.status).toBe(202);
    const body = (await res.json()) as IngestResponse;
    expect(body.accepted).toBe(2);
    expect(body.duplicates).toBe(0);
    expect(body.rejected).toEqual([{ line: 2, reason: expect.stringContaining('value') as string }]);
    expect(stored.map((e) => e.value)).toEqual([1, 2]);
    expect(rejected).toEqual([expect.objectContaining({ source: 'http', location: 'line 2' })]);
  });

  it('answers 400 nothing_accepted with the counts when every line is bad', async () => {
    const { post } = routes();
    const res = await post('{"metric":"m"}');
    expect(res.status).toBe(400);
    const body = (await res.json()) as IngestRefusal;
    expect(body).toMatchObject({ accepted: 0, error: { code: 'nothing_accepted', message: 'every event was rejected; see rejected' } });
    expect(body.rejected[0]?.line).toBe(1);
  });

  it('inflates gzip and refuses other encodings with 415', async () => {
    const { post, stored } = routes();
    const gz = await post(gzipSync('{"metric":"m","value":3}'), { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' });
    expect(gz.status).toBe(202);
    expect(stored).toHaveLength(1);
    await expectError(await post('x', { 'content-encoding': 'br' }), 415, 'unsupported_encoding');
  });

  it('refuses a body over the limit with 413 and a bad Idempotency-Key naming the header', async () => {
    const { post } = routes();
    await expectError(await post('x'.repeat(5000)), 413, 'body_too_large');
    const error = await expectError(await post('{"metric":"m","value":1}', { 'idempotency-key': 'a b' }), 400, 'bad_header');
    expect(error.message).toMatch(/^Idempotency-Key: /);
  });

  it('stores a keyed batch once and says duplicate when it comes again', async () => {
    const { post, keys } = routes();
    const send = () => post('{"metric":"m","value":1}', { 'content-type': 'application/x-ndjson', 'idempotency-key': 'file:0' });
    expect(await (await send()).json()).toMatchObject({ accepted: 1 });
    expect(await (await send()).json()).toMatchObject({ accepted: 1, duplicate: true });
    expect(keys).toEqual(['file:0']);
  });

  it('answers 503 with Retry-After when the store fails or is busy', async () => {
    const down = await routes(new Error('connection refused')).post('{"metric":"m","value":1}');
    await expectError(down, 503, 'store_unavailable');
    expect(down.headers.get('retry-after')).toBe('5');
    const busy = await routes(new BackpressureError('too many rows waiting')).post('{"metric":"m","value":1}');
    expect((await expectError(busy, 503, 'busy')).message).toBe('too many rows waiting');
    expect(busy.headers.get('retry-after')).toBe('1');
  });
});
