import { Kafka, logLevel } from 'kafkajs';
import type { MetricEvent } from '@northstar/shared';
import type { EventSink } from './producer.ts';
import { bearerHeader } from '../auth/secrets.ts';

/** Posts NDJSON to a Northstar server's ingest endpoint. */
export function httpSink(baseUrl: string, token?: string): EventSink {
  const url = new URL('/api/v1/events', baseUrl).toString();
  return {
    async send(events: MetricEvent[]) {
      if (events.length === 0) return;
      const body = events.map((e) => JSON.stringify(e)).join('\n');
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', ...bearerHeader(token) },
        body,
      });
      if (res.status !== 202) throw new Error(`POST ${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
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
