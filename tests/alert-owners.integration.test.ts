import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_BROKERS, waitFor } from './support/harness.ts';
import { startOncallReceiver, type OncallReceiver } from './support/oncall.ts';
import { createTopics, deleteTopics, kafkaClient, metric, serveTopics, waitReady, type CliServer } from './support/server-process.ts';
import { startSharedStore, type SharedStore } from './support/shared-store.ts';

/**
 * Issue 17.2: each alert rule is released by one instance, the owner of its partition of the
 * `<topic>.alert-owners` group. Two `northstar serve` processes on the shared Kafka and one
 * `northstar store`, a webhook receiver process: the firing reaches the receiver once, from one
 * instance, though both see the KPI cross; kill -9 of the owner, and the survivor takes the
 * rule over from the store without firing again (the firing it re-queues is recognised as sent),
 * then sends the resolve once.
 */

const config = (hook: string) => `
objectives:
  - { id: platform, name: Stay fast, owner: CTO }
kpis:
  - { id: latency, name: Latency, objective: platform, owner: Ravi, metric: m.owned.latency, aggregation: avg, window: 1h, direction: lower_is_better, target: 10 }
rules:
  - { id: too-slow, name: Too slow, kpis: [latency], severity: critical, condition: { type: threshold, op: '>', value: 50 } }
notifications:
  channels:
    - { id: hook, type: webhook, url: '${hook}/webhook', secret: 'a-webhook-secret-0123456789' }
  routes:
    - { match: { severity: [critical] }, channels: [hook], groupWait: 0s, repeatInterval: 1h }
`;

const KEY = 'too-slow/latency/';
let receiver: OncallReceiver;
let shared: SharedStore;
let topics: { topic: string; dlqTopic: string; group: string };
const kafka = kafkaClient(KAFKA_BROKERS);

beforeAll(async () => {
  receiver = await startOncallReceiver('pd-routing-key-owners-0123456789', 'genie-api-key-owners-0123456789');
  shared = await startSharedStore('northstar-owners', 'owners-store-password', config(receiver.base));
  topics = await createTopics(kafka, 'owners', 3);
  const env = {
    KAFKA_BROKERS,
    KAFKA_TOPIC: topics.topic,
    KAFKA_GROUP_ID: topics.group,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    LOG_LEVEL: 'info',
  };
  // one after the other: the first migrates the shared store
  for (const name of ['a', 'b']) {
    await waitReady(await shared.startInstance(name, env), 120_000);
  }
  // both members hold part of the group: the 12 partitions split between them
  await waitFor(
    async () => {
      const owned = await Promise.all(shared.instances.map((s) => metric(s, 'northstar_alert_owned_partitions')));
      return owned.every((n) => n > 0) && owned[0]! + owned[1]! === 12 ? owned : undefined;
    },
    'the alert-owners partitions split over both instances',
    90_000,
  );
}, 240_000);

afterAll(async () => {
  await shared?.stop();
  receiver?.stop();
  if (topics) await deleteTopics(kafka, serveTopics(topics.topic));
});

async function alertState(server: CliServer): Promise<string | undefined> {
  const alerts = (await (await fetch(`${server.url}/api/v1/alerts`)).json()) as Array<{ key: string; state: string }>;
  return alerts.find((a) => a.key === KEY)?.state;
}

let posted = 0;
async function post(server: CliServer, values: number[]): Promise<void> {
  const body = values.map((value) => JSON.stringify({ metric: 'm.owned.latency', value, id: `owned-${posted++}` })).join('\n');
  const res = await fetch(`${server.url}/api/v1/events`, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson' } });
  expect(res.status).toBe(202);
}

const sent = (s: CliServer) => metric(s, 'northstar_notifications_total', { channel: 'hook', ok: 'true' });

async function storedTransitions(to: string): Promise<number> {
  const r = await shared.store.client().query({
    query: `SELECT count() AS n FROM alert_transitions WHERE key = {k:String} AND to_state = {to:String}`,
    query_params: { k: KEY, to },
    format: 'JSONEachRow',
  });
  return Number((await r.json<{ n: string }>())[0]!.n);
}

describe('one owner per alert rule across instances', () => {
  it('sends one webhook per transition, and a survivor takes the rule over after kill -9 without firing again', async () => {
    const [a, b] = [shared.instances[0]!, shared.instances[1]!];
    await post(
      a,
      Array.from({ length: 3 }, () => 100),
    );

    // both instances see the KPI cross (partials over Kafka) and show the alert firing
    await waitFor(
      async () => ((await alertState(a)) === 'alerting' && (await alertState(b)) === 'alerting' ? true : undefined),
      'alerting on both',
      60_000,
    );
    const first = await waitFor(async () => {
      const st = await receiver.state();
      return st.webhook.deliveries.length > 0 ? st : undefined;
    }, 'the firing delivered');
    // a few ticks later: still one delivery, one instance sent it, one transition stored
    await new Promise((r) => setTimeout(r, 3_000));
    const afterFiring = await receiver.state();
    expect(afterFiring.webhook.deliveries).toHaveLength(1);
    expect(afterFiring.webhook.accepted).toEqual([first.webhook.deliveries[0]!.header]);
    const sentBy = await Promise.all([a, b].map(sent));
    expect([...sentBy].sort()).toEqual([0, 1]);
    expect(await storedTransitions('alerting')).toBe(1);

    // kill -9 the owner: the survivor gets its partitions after the session timeout and rebuilds the alert from the store
    const [owner, survivor] = sentBy[0] === 1 ? [a, b] : [b, a];
    await owner.kill9();
    await waitFor(
      async () => ((await metric(survivor, 'northstar_alert_owned_partitions')) === 12 ? true : undefined),
      'the survivor holds every partition',
      60_000,
    );
    // the firing it re-queues after the hand-over is the one already sent: recognised by the sent record, not sent again
    await waitFor(
      async () =>
        (await metric(survivor, 'northstar_notifications_total', { channel: 'hook', ok: 'already-sent' })) >= 1 ? true : undefined,
      'the taken-over firing recognised as sent',
      60_000,
    );
    expect((await receiver.state()).webhook.deliveries).toHaveLength(1);
    expect(await storedTransitions('alerting')).toBe(1);

    // the latency comes back down: the survivor, which never sent the firing, sends its resolve, once
    await post(
      survivor,
      Array.from({ length: 30 }, () => 0),
    );
    const resolved = await waitFor(
      async () => {
        const st = await receiver.state();
        return st.webhook.deliveries.length >= 2 ? st : undefined;
      },
      'the resolve delivered',
      60_000,
    );
    await new Promise((r) => setTimeout(r, 3_000));
    const end = await receiver.state();
    expect(end.webhook.deliveries).toHaveLength(2);
    expect(end.webhook.accepted).toEqual(resolved.webhook.deliveries.map((d) => d.header));
    expect(await sent(survivor)).toBe(1);
    expect(await storedTransitions('alerting')).toBe(1);
    expect(await alertState(survivor)).toBe('normal');
  }, 300_000);
});
