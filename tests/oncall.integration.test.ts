import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '@northstar/shared';
import { makeAlert } from '../apps/server/src/alerts/alerts.fixture.ts';
import { resolveRoutes } from '../apps/server/src/alerts/config.ts';
import type { NotificationBatch } from '../apps/server/src/alerts/notification.ts';
import { createNotifier } from '../apps/server/src/alerts/notifiers/channels.ts';
import type { Notifier } from '../apps/server/src/alerts/notifiers/notifier.ts';
import { PagerDutyNotifier } from '../apps/server/src/alerts/notifiers/pagerduty.ts';
import type { RetryPolicy } from '../apps/server/src/alerts/notifiers/retry.ts';
import { Dispatcher } from '../apps/server/src/alerts/routing.ts';
import { parseKpiConfig } from '../apps/server/src/config/kpi-file.ts';
import { TEST_CONFIG } from './support/harness.ts';
import { startOncallReceiver, type OncallReceiver } from './support/oncall.ts';

/**
 * PagerDuty, Opsgenie and Teams channels, configured in the config file and routed by the
 * Dispatcher, delivering to a receiver process on loopback that checks every payload the way
 * the services document and keeps incidents as they would: a re-fire folds into the open
 * incident, a resolve closes it.
 */

const ROUTING_KEY = 'pd-routing-key-0123456789abcdef';
const GENIE_KEY = 'genie-api-key-0123456789abcdef';
const TEAMS_SIG = 'teams-signature-0123456789abcdef';
const POLICY: RetryPolicy = { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 100, maxTotalMs: 2_000, attemptTimeoutMs: 5_000 };

let receiver: OncallReceiver;
let base: string;
let notifiers: Map<string, Notifier>;
let dispatcher: Dispatcher;

/** The fixture alert, critical, with markdown in the KPI name and a two-level path. */
function alert(over: Partial<Alert> = {}): Alert {
  return makeAlert({
    kpiName: 'Revenue **now**',
    severity: 'critical',
    path: [...makeAlert().path.slice(0, 1), { kind: 'objective', id: 'sales', name: 'Sell more', owner: 'alice' }],
    ...over,
  });
}

/** Sends each batch to its channels, as the alert engine does, and returns every result. */
async function deliver(batches: NotificationBatch[]): Promise<Array<{ channel: string; ok: boolean; error?: string }>> {
  const results = [];
  for (const b of batches) {
    for (const channel of b.channels) {
      const r = await notifiers.get(channel)!.send(b);
      results.push({ channel, ok: r.ok, ...(r.error ? { error: r.error } : {}) });
    }
  }
  return results;
}

beforeAll(async () => {
  receiver = await startOncallReceiver(ROUTING_KEY, GENIE_KEY);
  base = receiver.base;
  const config = parseKpiConfig(
    `${TEST_CONFIG}
notifications:
  channels:
    - { id: pager, type: pagerduty, routingKey: ${ROUTING_KEY}, url: "${base}/pagerduty" }
    - { id: genie, type: opsgenie, apiKey: ${GENIE_KEY}, url: "${base}/opsgenie" }
    - { id: room, type: teams, url: "${base}/teams/webhook?sig=${TEAMS_SIG}" }
  routes:
    - { match: { severity: [critical] }, channels: [pager, genie, room], groupWait: 0s, repeatInterval: 1m }
    - { match: { state: [nodata] }, channels: [pager], groupWait: 0s }
`,
    'oncall.yaml',
  );
  notifiers = new Map(config.notifications.channels.map((ch) => [ch.id, createNotifier(ch, {}, POLICY)]));
  dispatcher = new Dispatcher({ routes: resolveRoutes(config.notifications) });
});
afterAll(() => {
  receiver?.stop();
});

describe('on-call channels against a local receiver', () => {
  it('fires: one PagerDuty incident, one Opsgenie alert, one Teams card, every payload accepted', async () => {
    const results = await deliver(dispatcher.onAlertChange(alert(), 1_000));
    expect(results).toEqual([
      { channel: 'pager', ok: true },
      { channel: 'genie', ok: true },
      { channel: 'room', ok: true },
    ]);
    const s = await receiver.state();
    expect(s.pagerduty.rejected).toEqual([]);
    expect(s.pagerduty.incidents).toEqual([
      {
        dedupKey: 'northstar/low-revenue/revenue/total',
        status: 'triggered',
        triggers: 1,
        summary: 'Revenue **now**: Revenue below plan: 80 vs threshold 100',
        severity: 'critical',
      },
    ]);
    expect(s.opsgenie.rejected).toEqual([]);
    expect(s.opsgenie.alerts).toEqual([
      {
        alias: 'northstar/low-revenue/revenue/total',
        status: 'open',
        count: 1,
        message: 'Revenue **now**: 80 vs threshold 100',
        priority: 'P1',
      },
    ]);
    expect(s.teams.rejected).toEqual([]);
    const card = s.teams.cards[0]!;
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', text: '\\[CRITICAL\\] Firing: Revenue \\*\\*now\\*\\*', color: 'Attention' });
    expect(card.body.find((b) => b.type === 'FactSet')?.facts).toEqual(
      expect.arrayContaining([
        { title: 'Value', value: '80 vs threshold 100' },
        { title: 'Owners', value: 'bob, alice' },
      ]),
    );
  });

  it('a re-fire (still firing after the repeat interval) updates the same incident, not a new one', async () => {
    expect(await deliver(dispatcher.tick(1_000 + 61_000))).toHaveLength(3);
    const s = await receiver.state();
    expect(s.pagerduty.incidents).toHaveLength(1);
    expect(s.pagerduty.incidents[0]).toMatchObject({ status: 'triggered', triggers: 2 });
    expect(s.opsgenie.alerts).toHaveLength(1);
    expect(s.opsgenie.alerts[0]).toMatchObject({ status: 'open', count: 2 });
    expect(s.teams.cards[1]?.body[0]?.text).toBe('\\[CRITICAL\\] Still firing: Revenue \\*\\*now\\*\\*');
  });

  it('a resolve resolves the incident and closes the alert', async () => {
    const results = await deliver(dispatcher.onAlertChange(alert({ state: 'normal', firingSince: null, since: 70_000 }), 70_000));
    expect(results.every((r) => r.ok)).toBe(true);
    const s = await receiver.state();
    expect(s.pagerduty.incidents).toEqual([expect.objectContaining({ status: 'resolved', triggers: 2 })]);
    expect(s.opsgenie.alerts).toEqual([expect.objectContaining({ status: 'closed', count: 2 })]);
    expect(s.teams.cards[2]?.body[0]).toMatchObject({ text: '\\[CRITICAL\\] Resolved: Revenue \\*\\*now\\*\\*', color: 'Good' });
  });

  it('the next episode opens a new incident under the same key', async () => {
    await deliver(dispatcher.onAlertChange(alert({ firingSince: 80_000, since: 80_000 }), 80_000));
    const s = await receiver.state();
    expect(s.pagerduty.incidents.map((i) => i.status)).toEqual(['resolved', 'triggered']);
    expect(new Set(s.pagerduty.incidents.map((i) => i.dedupKey)).size).toBe(1);
    expect(s.opsgenie.alerts.map((a) => a.status)).toEqual(['closed', 'open']);
  });

  it('a warning does not reach a route for critical alerts', async () => {
    const before = await receiver.state();
    const batches = dispatcher.onAlertChange(alert({ key: 'slow/latency/total', severity: 'warning', kpi: 'latency-p95' }), 90_000);
    expect(batches).toEqual([]);
    expect((await receiver.state()).pagerduty.incidents).toHaveLength(before.pagerduty.incidents.length);
  });

  it('NoData, routed on its own, is an incident of its own: its end does not resolve the firing one', async () => {
    const nodata = await deliver(dispatcher.onAlertChange(alert({ state: 'nodata', firingSince: 80_000, since: 95_000 }), 95_000));
    expect(nodata).toEqual([{ channel: 'pager', ok: true }]);
    let s = await receiver.state();
    const spell = s.pagerduty.incidents.find((i) => i.dedupKey === 'northstar/nodata/low-revenue/revenue/total');
    expect(spell).toMatchObject({ status: 'triggered', summary: expect.stringContaining('Revenue') });
    await deliver(dispatcher.onAlertChange(alert({ firingSince: 80_000, since: 96_000 }), 96_000));
    s = await receiver.state();
    expect(s.pagerduty.incidents.find((i) => i.dedupKey.startsWith('northstar/nodata/'))?.status).toBe('resolved');
    expect(s.pagerduty.incidents.filter((i) => i.dedupKey === 'northstar/low-revenue/revenue/total').map((i) => i.status)).toEqual([
      'resolved',
      'triggered',
    ]);
  });

  it('keeps keys out of the error it reports, even when the receiver echoes them', async () => {
    const wrongKey = 'wrong-routing-key-fedcba9876543210';
    const pd = new PagerDutyNotifier({ routingKey: wrongKey, url: `${base}/pagerduty`, policy: POLICY });
    const r = await pd.send({
      groupKey: '0|rule=x',
      route: 0,
      channels: ['pager'],
      status: 'firing',
      entries: [{ event: 'firing', alert: alert({ key: 'other/k/total' }) }],
      idempotencyKey: 'k',
      at: 1,
    });
    expect(r.ok).toBe(false);
    expect(r.status).toBe(400);
    expect(r.error).toContain('unknown routing key [redacted]');
    expect(r.error).not.toContain(wrongKey);
    expect((await receiver.state()).pagerduty.rejected.at(-1)).toContain(wrongKey);
  });

  it('refuses a channel without its key, naming the line', () => {
    expect(() => parseKpiConfig(`${TEST_CONFIG}\nnotifications:\n  channels:\n    - { id: pager, type: pagerduty }\n`, 'bad.yaml')).toThrow(
      /bad\.yaml:\d+: notifications\.channels\[0\]\.routingKey/,
    );
  });
});
