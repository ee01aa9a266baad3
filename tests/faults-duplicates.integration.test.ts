import { describe, expect, it } from 'vitest';
import { faultFixture, storedCounts } from './support/fault-fixture.ts';
import { waitFor } from './support/harness.ts';
import { FAULT_METRIC, eventMessage, metric, waitForKpiCount, waitReady, type CliServer } from './support/server-process.ts';

/**
 * A producer that retries sends the same event id again. Each id here is sent three
 * times, over Kafka (same partition and other partitions, separate sends) and over HTTP
 * (within one request, in concurrent requests, in later requests, with and without ts),
 * and must be stored once and counted once. The server is restarted in between, so the
 * last round of repeats is recognised from the store, not from the process's memory.
 */

const KAFKA_IDS = 300;
const HTTP_IDS_ONE_REQUEST = 200;
const HTTP_IDS_SEPARATE = 100;
const HTTP_IDS_NO_TS = 50;

interface IngestReply {
  status: number;
  accepted: number;
  duplicates: number;
}

async function post(server: CliServer, events: unknown[]): Promise<IngestReply> {
  const res = await fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  const body = (await res.json()) as { accepted?: number; duplicates?: number };
  return { status: res.status, accepted: body.accepted ?? 0, duplicates: body.duplicates ?? 0 };
}

describe('the same event id sent three times', () => {
  const fx = faultFixture('dups');

  it('is stored and counted once, over Kafka and over HTTP, across a restart', { timeout: 120_000 }, async () => {
    const { names, producer } = fx;
    const env = fx.serverEnv();
    let server = await fx.start(env);
    await waitReady(server);
    const ts = Date.now();
    const kafkaIds = Array.from({ length: KAFKA_IDS }, (_, i) => `kafka-${i}`);

    // Kafka, first and second copy: two sends, same key (same partition)
    for (let copy = 0; copy < 2; copy++) {
      await producer.send({ topic: names.topic, acks: -1, messages: kafkaIds.map((id) => eventMessage(id, ts)) });
    }
    // HTTP: each id three times within one request
    const oneRequestIds = Array.from({ length: HTTP_IDS_ONE_REQUEST }, (_, i) => `http-one-${i}`);
    const inOne = await post(
      server,
      oneRequestIds.flatMap((id) => [0, 1, 2].map(() => ({ metric: FAULT_METRIC, value: 1, ts, id }))),
    );
    expect(inOne).toEqual({ status: 202, accepted: 3 * HTTP_IDS_ONE_REQUEST, duplicates: 2 * HTTP_IDS_ONE_REQUEST });
    // HTTP: the same body in two concurrent requests (two producers retrying at once)
    const separateIds = Array.from({ length: HTTP_IDS_SEPARATE }, (_, i) => `http-sep-${i}`);
    const separate = separateIds.map((id) => ({ metric: FAULT_METRIC, value: 1, ts, id }));
    const concurrent = await Promise.all([post(server, separate), post(server, separate)]);
    expect(concurrent.map((r) => r.status)).toEqual([202, 202]);
    expect(concurrent.map((r) => r.duplicates).sort((a, b) => a - b)).toEqual([0, HTTP_IDS_SEPARATE]);
    // HTTP without ts: each copy gets its own receive time, within the identity window of the first
    const noTsIds = Array.from({ length: HTTP_IDS_NO_TS }, (_, i) => `http-nots-${i}`);
    for (let copy = 0; copy < 3; copy++) {
      const r = await post(
        server,
        noTsIds.map((id) => ({ metric: FAULT_METRIC, value: 1, id })),
      );
      expect(r.duplicates).toBe(copy === 0 ? 0 : HTTP_IDS_NO_TS);
    }

    const total = KAFKA_IDS + HTTP_IDS_ONE_REQUEST + HTTP_IDS_SEPARATE + HTTP_IDS_NO_TS;
    await waitForKpiCount(server, total);
    const droppedBeforeRestart =
      (await metric(server, 'northstar_events_duplicate_total', { source: 'kafka' })) +
      (await metric(server, 'northstar_events_duplicate_total', { source: 'http' }));

    // restart (Ctrl-C this time): the third copies meet a process that has never seen these ids
    expect((await fx.stop('SIGINT')).code).toBe(0);
    server = await fx.start(env);
    await waitReady(server);
    // Kafka, third copy: keyed differently, so it lands on other partitions than the first two
    await producer.send({
      topic: names.topic,
      acks: -1,
      messages: kafkaIds.map((id) => ({ ...eventMessage(id, ts), key: `${id}-again` })),
    });
    const third = await post(server, separate);
    expect(third).toEqual({ status: 202, accepted: HTTP_IDS_SEPARATE, duplicates: HTTP_IDS_SEPARATE });
    const thirdInOne = await post(
      server,
      oneRequestIds.map((id) => ({ metric: FAULT_METRIC, value: 1, ts, id })),
    );
    expect(thirdInOne.duplicates).toBe(HTTP_IDS_ONE_REQUEST);
    // without ts, a fourth copy: the store recognises it as memory did (same metric and id, within the window)
    const fourthNoTs = await post(
      server,
      noTsIds.map((id) => ({ metric: FAULT_METRIC, value: 1, id })),
    );
    expect(fourthNoTs.duplicates).toBe(HTTP_IDS_NO_TS);

    const s = server;
    const dropped = async () =>
      (await metric(s, 'northstar_events_duplicate_total', { source: 'kafka' })) +
      (await metric(s, 'northstar_events_duplicate_total', { source: 'http' }));
    // with Kafka, HTTP events that carry an id are checked by the consumer too (counted as
    // source kafka), so the wait is for every third copy, not for the Kafka ones alone
    const thirdCopies = KAFKA_IDS + HTTP_IDS_SEPARATE + HTTP_IDS_ONE_REQUEST + HTTP_IDS_NO_TS;
    await waitFor(async () => ((await dropped()) >= thirdCopies ? true : undefined), 'the third Kafka copies to be read');
    const droppedAfterRestart = await dropped();
    const count = await waitForKpiCount(s, total, 5_000);

    expect((await fx.stop()).code).toBe(0);
    const stored = await storedCounts(fx.ws);

    console.log(
      `faults-duplicates: ${total} ids, each sent three or more times (Kafka ${KAFKA_IDS}, HTTP ${HTTP_IDS_ONE_REQUEST} in one request, ${HTTP_IDS_SEPARATE} in separate and concurrent requests, ${HTTP_IDS_NO_TS} without ts); ` +
        `repeats dropped ${droppedBeforeRestart} before and ${droppedAfterRestart} after a restart; stored rows ${stored.rows}, distinct ids ${stored.ids}, KPI count ${count}`,
    );
    expect(stored.rows).toBe(total);
    expect(stored.ids).toBe(total);
    expect(count).toBe(total);
    // every copy beyond the first was seen and dropped, not silently lost upstream
    expect(droppedBeforeRestart).toBe(KAFKA_IDS + 2 * HTTP_IDS_ONE_REQUEST + HTTP_IDS_SEPARATE + 2 * HTTP_IDS_NO_TS);
    // exactly the third copies: had the offsets of the first two Kafka copies not been
    // committed before the Ctrl-C exit, they would have been read again and counted here too
    expect(droppedAfterRestart).toBe(thirdCopies);
  });
});
