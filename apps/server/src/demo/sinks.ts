import { Kafka, logLevel } from 'kafkajs';
import type { MetricEvent } from '@northstar/shared';
import type { EventSink } from './producer.ts';
import { bearerHeader } from '../auth/secrets.ts';

export interface HttpSinkOptions {
  /** Posts of one request at most, the first included (default HTTP_MAX_ATTEMPTS). */
  maxAttempts?: number;
}

/**
 * Answers that ask to be asked again after Retry-After: 503 (busy, verdict_timeout,
 * store_unavailable, kafka_unavailable: nothing stored, or with ids some may be) and 429. Posting
 * the same request again is safe because every demo event carries an id, which the server
 * stores once however often it arrives (a repeat counts as a duplicate).
 */
const RETRY_STATUSES = new Set([429, 503]);
/** Five posts cover a verdict_timeout's 5 s a few times over before the demo reports a gap. */
const HTTP_MAX_ATTEMPTS = 5;
/** Retry-After missing or unreadable: the server's shortest ask (busy). */
const DEFAULT_RETRY_AFTER_MS = 1_000;
/** A longer ask is cut to this: a live demo prefers a reported gap to a long stall. */
const MAX_RETRY_AFTER_MS = 30_000;

/** Retry-After (seconds, or an HTTP date) in ms, within [0, MAX_RETRY_AFTER_MS]. */
export function retryAfterMs(header: string | null, nowMs = Date.now()): number {
  const text = header?.trim() ?? '';
  let ms = DEFAULT_RETRY_AFTER_MS;
  if (/^\d+$/.test(text)) ms = Number(text) * 1_000;
  // an HTTP date names its day and month; a bare '-5' would parse as a year
  else if (/[A-Za-z]/.test(text) && !Number.isNaN(Date.parse(text))) ms = Date.parse(text) - nowMs;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/** Resolves after `ms`, or at once with false when `signal` aborts first. */
function wait(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Posts NDJSON to a Northstar server's ingest endpoint. An answer asking to retry (busy,
 * no verdict in time) is posted again after its Retry-After, at most `maxAttempts` posts;
 * then, or on any other refusal, the send fails saying what the server answered.
 */
export function httpSink(baseUrl: string, token?: string, options: HttpSinkOptions = {}): EventSink {
  const url = new URL('/api/v1/events', baseUrl).toString();
  const maxAttempts = options.maxAttempts ?? HTTP_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new Error(`httpSink: maxAttempts must be a whole number ≥ 1, not ${maxAttempts}`);
  return {
    async send(events: MetricEvent[], signal?: AbortSignal) {
      if (events.length === 0) return;
      const body = events.map((e) => JSON.stringify(e)).join('\n');
      for (let attempt = 1; ; attempt++) {
        // not aborted by a stop: the request in flight gets its answer, so what was accepted was sent whole
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', ...bearerHeader(token) },
          body,
        });
        const answer = (await res.text()).slice(0, 300);
        if (res.ok) return;
        if (!RETRY_STATUSES.has(res.status)) throw new Error(`POST ${url} answered ${res.status}: ${answer}`);
        if (attempt >= maxAttempts) {
          throw new Error(`POST ${url} answered ${res.status} ${attempt} times (last: ${answer}); ${events.length} events not sent`);
        }
        if (!(await wait(retryAfterMs(res.headers.get('retry-after')), signal))) {
          throw new Error(`POST ${url} answered ${res.status}; stopped while waiting to retry: ${events.length} events not sent`);
        }
      }
    },
    async close() {},
  };
}

/** Produces to the events topic, keyed by metric (the partitioning the design asks for). */
export async function kafkaSink(brokers: string[], topic: string): Promise<EventSink> {
  const kafka = new Kafka({ clientId: 'northstar-demo', brokers, logLevel: logLevel.ERROR });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  return {
    async send(events: MetricEvent[]) {
      if (events.length === 0) return;
      await producer.send({ topic, messages: events.map((e) => ({ key: e.metric, value: JSON.stringify(e) })) });
    },
    close: () => producer.disconnect(),
  };
}
