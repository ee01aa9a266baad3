import { gzipSync } from 'node:zlib';
import type { IngestRefusal, IngestResponse, MetricEvent } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { BackpressureError } from '../ingest/batch-writer.ts';
import { ForwardError, VerdictTimeoutError, type Verdict } from '../ingest/verdicts.ts';
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

describe('POST /api/v1/events with Kafka (events with an id answered by verdicts)', () => {
  function forwarding(answer: (events: readonly MetricEvent[]) => Promise<Verdict[]>) {
    const memory = memoryIngestor();
    const forwarded: MetricEvent[][] = [];
    const app = ingestRoutes({
      ingestor: memory.ingestor,
      forwardIdentified: (events) => {
        forwarded.push([...events]);
        return answer(events);
      },
      metrics: createMetrics(),
      bodyLimitBytes: 4096,
    });
    const post = (body: string) =>
      app.request('/api/v1/events', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
    return { ...memory, forwarded, post };
  }

  it('forwards the events with an id, writes the rest directly, and answers with both', async () => {
    const { post, stored, forwarded, rejected } = forwarding((events) =>
      Promise.resolve(
        events.map((e): Verdict =>
          e.id === 'dup'
            ? { outcome: 'duplicate' }
            : e.id === 'bad'
              ? { outcome: 'refused', reason: 'the store refused this event: x' }
              : { outcome: 'stored' },
        ),
      ),
    );
    const res = await post(
      [
        '{"metric":"m","value":1,"id":"new"}',
        '{"metric":"m","value":2}',
        '{"metric":"m","value":3,"id":"dup"}',
        '{"metric":"m","value":4,"id":"bad"}',
      ].join('\n'),
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 3, rejected: [{ line: 4, reason: 'the store refused this event: x' }], duplicates: 1 });
    expect(forwarded.map((b) => b.map((e) => e.id))).toEqual([['new', 'dup', 'bad']]);
    expect(stored.map((e) => e.value)).toEqual([2]);
    // the owner of the partition kept the refused event already (rejected_events, DLQ)
    expect(rejected).toEqual([]);
  });

  it('answers 503 verdict_timeout with Retry-After, and writes nothing directly, when no verdict comes', async () => {
    const { post, stored } = forwarding(() => Promise.reject(new VerdictTimeoutError('no verdict on them came back within 10 ms')));
    const res = await post('{"metric":"m","value":1,"id":"a"}\n{"metric":"m","value":2}');
    const error = await expectError(res, 503, 'verdict_timeout');
    expect(error.message).toMatch(/within 10 ms/);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(stored).toEqual([]);
  });

  it('answers 503 kafka_unavailable when Kafka does not take the events', async () => {
    const { post } = forwarding(() => Promise.reject(new ForwardError('Kafka did not take the events with an id (down)')));
    await expectError(await post('{"metric":"m","value":1,"id":"a"}'), 503, 'kafka_unavailable');
  });
});
