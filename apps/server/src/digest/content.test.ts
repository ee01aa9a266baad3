import { describe, expect, it } from 'vitest';
import type { Milestone, ReviewDue } from '@northstar/shared';
import { goal, kpi, kpiState, objective } from '../align/model.fixture.ts';
import type { AckRow, TransitionRow } from '../store/alert-repo.ts';
import { buildDigest, digestOwners, type DigestInputs } from './content.ts';
import { digestPeriod } from './period.ts';
import { digestHtml, digestSlack, digestText } from './render.ts';

const NOW = Date.UTC(2026, 11, 7, 9);
const FROM = NOW - 7 * 86_400_000;
const grow = objective('grow', { name: 'Grow <revenue>', owner: 'dana', review: 'weekly' });
const orders = kpi('orders', { name: 'Orders', objective: 'grow', owner: 'omar', target: 200, unit: '' });
const latency = kpi('latency', { name: 'Latency', objective: 'grow', owner: 'lee', direction: 'lower_is_better', target: 300, unit: 'ms' });
const other = kpi('other', { name: 'Other', owner: 'zed' });

function transition(kpiId: string, at: number, extra: Partial<TransitionRow> = {}): TransitionRow {
  return {
    key: `r/${kpiId}/`,
    rule: 'r',
    kpi: kpiId,
    series: '',
    episode: 1,
    from: 'pending',
    to: 'alerting',
    reason: 'too low',
    value: 1,
    threshold: 2,
    at,
    ...extra,
  };
}

function inputs(extra: Partial<DigestInputs> = {}): DigestInputs {
  const states = new Map([
    ['orders', kpiState('orders', 60, 'at_risk', { value: 120, target: 200 })],
    ['latency', kpiState('latency', 110, 'on_track', { value: 250, target: 300 })],
  ]);
  return {
    objective: grow,
    state: { id: 'grow', attainment: 85, status: 'at_risk', troubled: ['orders'], kpiCount: 2, reason: 'Orders is at risk' },
    model: {
      objectives: [grow],
      kpis: [orders, latency, other],
      goals: [goal('g1', 'orders', { owner: 'gia' }), goal('g2', 'other', { owner: 'zoe' })],
    },
    kpiState: (id) => states.get(id),
    kpiHealth: (id) => (id === 'orders' ? ({ status: 'off_track', measured: 'at_risk', firing: ['r'], pending: [] } as never) : undefined),
    series: new Map([
      [
        'orders',
        [
          [FROM, 100],
          [NOW - 86_400_000, null],
          [NOW, 120],
        ],
      ],
      [
        'latency',
        [
          [FROM, 200],
          [NOW, 250],
        ],
      ],
    ]),
    transitions: [],
    acks: [],
    reviews: [],
    milestones: [],
    period: digestPeriod('weekly', NOW, 'UTC'),
    span: { fromMs: FROM, toMs: NOW },
    baseUrl: 'https://northstar.example.com/',
    ...extra,
  };
}

describe('buildDigest', () => {
  it('says the objective health and why, and each of its own KPIs with attainment, status and trend', () => {
    const d = buildDigest(inputs());
    expect(d.objective).toEqual({
      id: 'grow',
      name: 'Grow <revenue>',
      owner: 'dana',
      status: 'at_risk',
      attainment: 85,
      reason: 'Orders is at risk',
      troubled: ['Orders'],
    });
    expect(d.kpis.map((k) => k.id)).toEqual(['orders', 'latency']);
    const [o, l] = d.kpis;
    // health (alerts included) is what screens show, the attainment is the API's state.attainment
    expect(o).toMatchObject({ attainment: 60, status: 'off_track', value: 120, target: 200, trendPercent: 20, trendGood: true });
    // lower is better: a rise is bad
    expect(l).toMatchObject({ attainment: 110, status: 'on_track', trendPercent: 25, trendGood: false });
  });

  it('is for the objective owner and the owners of its KPIs and their goals, once each', () => {
    expect(
      digestOwners(
        grow,
        [orders, latency, other, kpi('dup', { objective: 'grow', owner: 'dana' })],
        [goal('g1', 'orders', { owner: 'gia' }), goal('g2', 'other', { owner: 'zoe' })],
      ),
    ).toEqual(['dana', 'omar', 'lee', 'gia']);
  });

  it('lists alerts that fired in the span on its KPIs, newest first, with who acknowledged them', () => {
    const transitions = [
      transition('orders', NOW - 3_600_000, { episode: 2 }),
      transition('orders', NOW - 7_200_000, { episode: 1 }),
      transition('orders', NOW - 60_000, { from: 'alerting', to: 'recovering' }),
      transition('other', NOW - 60_000),
      transition('latency', FROM - 1),
    ];
    const acks: AckRow[] = [{ key: 'r/orders/', episode: 1, by: 'omar', comment: 'on it', at: NOW - 7_000_000 }];
    const d = buildDigest(inputs({ transitions, acks }));
    expect(d.alerts.map((a) => [a.kpiName, a.at, a.acknowledged?.by ?? null])).toEqual([
      ['Orders', NOW - 3_600_000, null],
      ['Orders', NOW - 7_200_000, 'omar'],
    ]);
  });

  it('links each check-in due to its form, and keeps milestones of the span', () => {
    const reviews: ReviewDue[] = [
      { subject: { kind: 'objective', id: 'grow', name: 'Grow' }, cadence: 'weekly', lastCheckinAt: null, dueAt: NOW - 1, overdue: true },
      { subject: { kind: 'kpi', id: 'orders', name: 'Orders' }, cadence: 'weekly', lastCheckinAt: null, dueAt: NOW + 1, overdue: false },
      { subject: { kind: 'kpi', id: 'other', name: 'Other' }, cadence: 'weekly', lastCheckinAt: null, dueAt: NOW, overdue: false },
    ];
    const milestones: Milestone[] = [
      { kind: 'kpi', id: 'latency', name: 'Latency', period: '2026-Q4', value: 250, reachedAt: NOW - 1000 },
      { kind: 'kpi', id: 'latency', name: 'Latency', period: '2026-Q3', value: 250, reachedAt: FROM - 1000 },
      { kind: 'kpi', id: 'other', name: 'Other', period: '2026-Q4', value: 1, reachedAt: NOW - 1000 },
    ];
    const d = buildDigest(inputs({ reviews, milestones }));
    expect(d.checkinsDue.map((c) => c.url)).toEqual([
      'https://northstar.example.com/#/checkin/objective/grow',
      'https://northstar.example.com/#/checkin/kpi/orders',
    ]);
    expect(d.milestones.map((m) => m.period)).toEqual(['2026-Q4']);
  });
});

describe('rendering', () => {
  const d = buildDigest(inputs({ transitions: [transition('orders', NOW - 60_000, { reason: '<script>x</script>' })] }));
  const opts = { timezone: 'UTC', unsubscribeUrl: 'https://northstar.example.com/api/v1/digests/unsubscribe?token=t' };

  it('escapes what users wrote in the HTML and carries a chart per KPI and the unsubscribe link', () => {
    const html = digestHtml(d, opts, (id) => `cid:${id}`);
    expect(html).toContain('Grow &lt;revenue&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('src="cid:orders"');
    expect(html).toContain('src="cid:latency"');
    expect(html).toContain('data-attainment="60"');
    expect(html).toContain(opts.unsubscribeUrl);
  });

  it('says the same in text and in Slack blocks, Slack escaped', () => {
    const text = digestText(d, opts);
    expect(text).toContain('Orders: Off track, 120 of 200 target, 60 % attainment, +20 % over the period (good)');
    expect(text).toContain('Alerts fired (1)');
    const slack = digestSlack(d, opts);
    const all = JSON.stringify(slack.blocks);
    expect(all).toContain('Grow &lt;revenue&gt;');
    expect(all).toContain('60 % attainment');
    expect(all).toContain('Unsubscribe');
    expect(all).not.toContain('"image"');
    // where Slack can reach the server, each chart is an image block
    const withImages = digestSlack(d, opts, (id) => `https://northstar.example.com/api/v1/digests/charts/${id}`);
    expect(withImages.blocks.filter((b) => b.type === 'image').map((b) => ('image_url' in b ? b.image_url : ''))).toEqual([
      'https://northstar.example.com/api/v1/digests/charts/orders',
      'https://northstar.example.com/api/v1/digests/charts/latency',
    ]);
  });
});
