import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricEvent } from '@northstar/shared';
import { httpSink } from '../apps/server/src/demo/sinks.ts';

/**
 * The demo's HTTP producer against a real local HTTP server that answers as a busy Northstar
 * does (503 `busy` / `verdict_timeout` with Retry-After): it posts the same request again after
 * the delay asked, up to a bound, so the events arrive once; past the bound it gives up saying so.
 */

interface Post {
  at: number;
  ids: string[];
}

let server: Server | undefined;

/** Answers each POST with the next of `answers` (the last one repeats); records every post and the ids it accepted. */
async function ingestServer(answers: Array<{ status: number; code?: string; retryAfter?: string }>) {
  const posts: Post[] = [];
  const stored: string[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const ids = body
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as MetricEvent).id ?? '');
      posts.push({ at: Date.now(), ids });
      const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (answer.retryAfter !== undefined) headers['retry-after'] = answer.retryAfter;
      if (answer.status === 202) stored.push(...ids);
      res.writeHead(answer.status, headers);
      res.end(JSON.stringify(answer.status === 202 ? { accepted: ids.length } : { error: answer.code, message: 'try later' }));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, posts, stored };
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const events = (n: number): MetricEvent[] =>
  Array.from({ length: n }, (_, i) => ({ metric: 'demo.orders', value: 1, ts: 1_700_000_000_000 + i, id: `run-${i}`, dims: {} }));

describe('the demo HTTP sink', () => {
  it('posts again after Retry-After when the server is busy, and the events arrive once', async () => {
    const s = await ingestServer([{ status: 503, code: 'busy', retryAfter: '1' }, { status: 202 }]);
    const batch = events(5);
    await httpSink(s.url).send(batch);
    expect(s.posts).toHaveLength(2);
    expect(s.posts[1]!.at - s.posts[0]!.at).toBeGreaterThanOrEqual(950);
    // the same request again: the same ids, which the server stores once
    expect(s.posts[1]!.ids).toEqual(s.posts[0]!.ids);
    expect(s.stored).toEqual(batch.map((e) => e.id));
  });

  it('waits the Retry-After a verdict_timeout asks, as given in seconds', async () => {
    const s = await ingestServer([{ status: 503, code: 'verdict_timeout', retryAfter: '2' }, { status: 202 }]);
    await httpSink(s.url).send(events(2));
    expect(s.posts).toHaveLength(2);
    expect(s.posts[1]!.at - s.posts[0]!.at).toBeGreaterThanOrEqual(1_950);
  });

  it('gives up after a bounded number of posts with an error saying what the server answered', async () => {
    const s = await ingestServer([{ status: 503, code: 'busy', retryAfter: '0' }]);
    await expect(httpSink(s.url, undefined, { maxAttempts: 3 }).send(events(4))).rejects.toThrow(
      /POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/events answered 503 3 times .*busy.*4 events not sent/,
    );
    expect(s.posts).toHaveLength(3);
    expect(s.stored).toEqual([]);
  });

  it('does not retry an answer another post cannot change', async () => {
    const s = await ingestServer([{ status: 400, code: 'bad_request' }]);
    await expect(httpSink(s.url).send(events(1))).rejects.toThrow(/answered 400/);
    expect(s.posts).toHaveLength(1);
  });

  it('stops waiting to retry when the producer stops', async () => {
    const s = await ingestServer([{ status: 503, code: 'busy', retryAfter: '30' }]);
    const stop = new AbortController();
    const started = Date.now();
    const sending = httpSink(s.url).send(events(3), stop.signal);
    setTimeout(() => stop.abort(), 200);
    await expect(sending).rejects.toThrow(/stopped while waiting to retry: 3 events not sent/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(s.posts).toHaveLength(1);
  });
});
