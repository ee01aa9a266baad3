import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Objective } from '@northstar/shared';
import { DigestsConfigSchema } from '../alerts/digest-config.ts';
import { kpi, objective } from '../align/model.fixture.ts';
import { buildDigest, type Digest } from './content.ts';
import type { DeliveryRow, SubscriptionRow } from './digest-repo.ts';
import { deliveryKey } from './digest-repo.ts';
import type { Recipient, SendResult } from './delivery.ts';
import { DigestService } from './digest-service.ts';
import { digestCadence, digestPeriod } from './period.ts';
import { startDigestSchedule } from './scheduler.ts';

const log = pino({ level: 'silent' });
/** Monday 7 Dec 2026 in UTC. */
const MONDAY = Date.UTC(2026, 11, 7);
const H = 3_600_000;

const grow = objective('grow', { name: 'Grow', owner: 'dana' });
const care = objective('care', { name: 'Care', owner: 'dana', review: 'monthly' });
const model = {
  objectives: [grow, care] as Objective[],
  kpis: [kpi('orders', { objective: 'grow', owner: 'omar' }), kpi('nps', { objective: 'care', owner: 'nia' })],
  goals: [],
};

/** The store's rows in memory: what a restart would read back. */
class MemoryRepo {
  deliveries: DeliveryRow[] = [];
  choices: SubscriptionRow[] = [];
  async addDelivery(d: DeliveryRow) {
    this.deliveries.push(d);
  }
  async delivered(periods: readonly string[]) {
    return new Set(
      this.deliveries.filter((d) => d.ok && periods.includes(d.period)).map((d) => deliveryKey(d.person, d.objective, d.period, d.channel)),
    );
  }
  async setSubscription(s: SubscriptionRow) {
    this.choices.push(s);
  }
  async subscriptions() {
    const newest = new Map<string, SubscriptionRow>();
    for (const c of this.choices) newest.set(`${c.person}/${c.objective}`, c);
    return [...newest.values()];
  }
  async signingKey() {
    return 'test-key';
  }
}

class RecordingSender {
  sent: Array<{ person: string; objective: string; period: string; channel: string }> = [];
  failing = new Set<string>();
  channelsFor(r: Recipient): Array<'email' | 'slack'> {
    return [...(r.email ? (['email'] as const) : []), ...(r.slack ? (['slack'] as const) : [])];
  }
  chartUrls: Array<string | null> = [];
  async send(
    d: Digest,
    r: Recipient,
    _unsub: string,
    only?: ReadonlySet<string>,
    chartUrl?: (kpiId: string) => string | null,
  ): Promise<SendResult[]> {
    this.chartUrls.push(chartUrl ? chartUrl('orders') : null);
    return this.channelsFor(r)
      .filter((ch) => !only || only.has(ch))
      .map((channel) => {
        if (this.failing.has(`${r.person}/${channel}`)) return { channel, ok: false, error: 'relay down' };
        this.sent.push({ person: r.person, objective: d.objective.id, period: d.period.key, channel });
        return { channel, ok: true, error: '' };
      });
  }
}

function setup(repo = new MemoryRepo(), sender = new RecordingSender(), publicCharts = false) {
  const config = DigestsConfigSchema.parse({
    baseUrl: 'http://127.0.0.1:9',
    publicCharts,
    quietHours: { start: '22:00', end: '07:00' },
    people: [
      { name: 'dana', email: 'dana@example.com', slack: 'team' },
      { name: 'omar', email: 'omar@example.com' },
      { name: 'sam', email: 'sam@example.com' },
    ],
  });
  const built: string[] = [];
  const source = {
    chart: async (ref: { kpi: string }) => (ref.kpi === 'orders' ? Buffer.from('png of orders') : null),
    build: async (o: Objective, nowMs: number) => {
      built.push(o.id);
      const cadence = digestCadence(o);
      return buildDigest({
        objective: o,
        state: undefined,
        model,
        kpiState: () => undefined,
        kpiHealth: () => undefined,
        series: new Map(),
        transitions: [],
        acks: [],
        reviews: [],
        milestones: [],
        period: digestPeriod(cadence, nowMs, 'UTC'),
        span: { fromMs: nowMs - 7 * 24 * H, toMs: nowMs },
        baseUrl: config.baseUrl,
      });
    },
  };
  const slackChannels = new Map([['team', { id: 'team', type: 'slack' as const, url: 'http://127.0.0.1:9/hook' }]]);
  const service = new DigestService({ config, slackChannels, source, sender, repo, model, log });
  return { service, repo, sender, built };
}

const sentKeys = (s: RecordingSender) => s.sent.map((x) => `${x.person} ${x.objective} ${x.period} ${x.channel}`).sort();

describe('the digest schedule', () => {
  it('waits out quiet hours, then sends each reader each objective once per period on each channel', async () => {
    const { service, sender } = setup();
    expect(await service.tick(MONDAY + 3 * H)).toEqual({ sent: 0, failed: 0, quiet: true });
    expect(sender.sent).toEqual([]);
    expect(await service.tick(MONDAY + 8 * H)).toMatchObject({ sent: 5, failed: 0 });
    // nia owns a KPI but has no address: nobody to send to; omar owns only grow's KPI
    expect(sentKeys(sender)).toEqual([
      'dana care 2026-12 email',
      'dana care 2026-12 slack',
      'dana grow 2026-W50 email',
      'dana grow 2026-W50 slack',
      'omar grow 2026-W50 email',
    ]);
    // later the same week: nothing new
    expect(await service.tick(MONDAY + 30 * H)).toMatchObject({ sent: 0 });
    // next week: the weekly objective again, the monthly one not
    await service.tick(MONDAY + 7 * 24 * H + 8 * H);
    expect(
      sender.sent
        .slice(5)
        .map((x) => `${x.person} ${x.objective} ${x.period}`)
        .sort(),
    ).toEqual(['dana grow 2026-W51', 'dana grow 2026-W51', 'omar grow 2026-W51']);
  });

  it('does not resend after a restart: the delivery log is the memory', async () => {
    const first = setup();
    await first.service.tick(MONDAY + 8 * H);
    const restarted = setup(first.repo);
    expect(await restarted.service.tick(MONDAY + 9 * H)).toMatchObject({ sent: 0 });
    expect(restarted.sender.sent).toEqual([]);
    expect(restarted.built).toEqual([]);
  });

  it('tries a failed channel again next run, without resending the one that worked', async () => {
    const sender = new RecordingSender();
    sender.failing.add('dana/slack');
    const { service } = setup(new MemoryRepo(), sender);
    expect(await service.tick(MONDAY + 8 * H)).toMatchObject({ failed: 2 });
    sender.failing.clear();
    const before = sender.sent.length;
    expect(await service.tick(MONDAY + 9 * H)).toMatchObject({ sent: 2, failed: 0 });
    expect(
      sender.sent
        .slice(before)
        .map((x) => `${x.objective} ${x.channel}`)
        .sort(),
    ).toEqual(['care slack', 'grow slack']);
  });

  it('follows subscriptions: an owner who unsubscribed gets nothing, a subscriber gets it', async () => {
    const { service, sender } = setup();
    await service.setSubscription('omar', 'grow', false, 'omar', MONDAY);
    await service.setSubscription('sam', 'care', true, 'sam', MONDAY);
    await service.tick(MONDAY + 8 * H);
    expect(sender.sent.filter((x) => x.person !== 'dana').map((x) => `${x.person} ${x.objective}`)).toEqual(['sam care']);
    expect(await service.subscriptions('omar')).toEqual([
      { objective: 'grow', name: 'Grow', subscribed: false, why: 'none' },
      { objective: 'care', name: 'Care', subscribed: false, why: 'none' },
    ]);
    expect((await service.subscriptions('dana'))[0]).toMatchObject({ subscribed: true, why: 'owner' });
    expect((await service.subscriptions('sam'))[1]).toMatchObject({ subscribed: true, why: 'chosen' });
  });

  it('unsubscribes by a signed link and refuses a forged one', async () => {
    const { service, sender } = setup();
    const url = await service.unsubscribeUrl('dana', 'grow');
    const token = new URL(url).searchParams.get('token') as string;
    await expect(service.unsubscribe(`${token}x`, MONDAY)).rejects.toThrow(/not valid/);
    expect(await service.unsubscribe(token, MONDAY)).toEqual({ person: 'dana', objective: 'grow', name: 'Grow' });
    await service.tick(MONDAY + 8 * H);
    expect(sender.sent.filter((x) => x.person === 'dana').map((x) => x.objective)).toEqual(['care', 'care']);
  });
});

describe('startDigestSchedule', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs the send on its interval with the clock of that moment, one run at a time', async () => {
    vi.useFakeTimers({ now: MONDAY });
    const calls: number[] = [];
    let release: () => void = () => undefined;
    const service = {
      tick: (now: number) => {
        calls.push(now);
        return new Promise<{ sent: number; failed: number; quiet: boolean }>((resolve) => {
          release = () => resolve({ sent: 0, failed: 0, quiet: false });
        });
      },
    };
    const schedule = startDigestSchedule(service, 60_000, log, () => Date.now());
    await vi.advanceTimersByTimeAsync(59_999);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([MONDAY + 60_000]);
    // still running: the next interval does not start a second run
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(1);
    release();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual([MONDAY + 60_000, MONDAY + 180_000]);
    release();
    await schedule.stop();
  });
});

describe('digest settings in the versioned model (objective.digest)', () => {
  it('adds the model’s subscribers, follows its cadence, and sends nothing when it is off', async () => {
    const { service, sender } = setup();
    const [g, c] = model.objectives as [Objective, Objective];
    model.objectives = [
      { ...g, digest: { enabled: true, cadence: 'quarterly', subscribers: ['sam'] } },
      { ...c, digest: { enabled: false } },
    ];
    try {
      await service.tick(MONDAY + 8 * H);
      expect(sentKeys(sender)).toEqual([
        'dana grow 2026-Q4 email',
        'dana grow 2026-Q4 slack',
        'omar grow 2026-Q4 email',
        'sam grow 2026-Q4 email',
      ]);
      // a subscriber named in the model can still opt out for themselves
      await service.setSubscription('sam', 'grow', false, 'sam', MONDAY);
      expect((await service.subscriptions('sam'))[0]).toMatchObject({ subscribed: false });
    } finally {
      model.objectives = [g, c];
    }
  });
});

describe('chart images for Slack', () => {
  it('are linked only when the server is reachable (publicCharts), by signed links that expire', async () => {
    const closed = setup();
    await closed.service.tick(MONDAY + 8 * H);
    expect(new Set(closed.sender.chartUrls)).toEqual(new Set([null]));

    const open = setup(new MemoryRepo(), new RecordingSender(), true);
    await open.service.tick(MONDAY + 8 * H);
    const url = open.sender.chartUrls[0] as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:9\/api\/v1\/digests\/charts\/[\w.%-]+$/);
    const token = decodeURIComponent(url.split('/').pop() as string);
    expect((await open.service.chart(token, MONDAY + 9 * H)).toString()).toBe('png of orders');
    await expect(open.service.chart(`${token}x`, MONDAY)).rejects.toThrow(/not valid or has expired/);
    await expect(open.service.chart(token, MONDAY + 40 * 24 * H)).rejects.toThrow(/not valid or has expired/);
  });
});

describe('send me this digest now', () => {
  it('sends to the person asking outside the schedule, once per 30 s, and says who has no address', async () => {
    const { service, sender, repo } = setup();
    expect(await service.sendNow('grow', 'dana', MONDAY + 3 * H)).toEqual([
      { channel: 'email', ok: true, error: '' },
      { channel: 'slack', ok: true, error: '' },
    ]);
    // quiet hours are for the schedule, and this does not count as the period's delivery
    expect(repo.deliveries).toEqual([]);
    await expect(service.sendNow('grow', 'dana', MONDAY + 3 * H + 10_000)).rejects.toThrow('ask again in 20 s');
    expect(await service.sendNow('care', 'dana', MONDAY + 3 * H + 10_000)).toHaveLength(2);
    expect(await service.sendNow('grow', 'dana', MONDAY + 3 * H + 30_000)).toHaveLength(2);
    await expect(service.sendNow('grow', 'nia', MONDAY)).rejects.toThrow('there is no email address or Slack channel for "nia"');
    await expect(service.sendNow('nope', 'dana', MONDAY)).rejects.toThrow('no objective "nope"');
    expect(sender.sent).toHaveLength(6);
  });
});
