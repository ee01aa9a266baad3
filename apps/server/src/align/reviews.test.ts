import { describe, expect, it } from 'vitest';
import { REVIEW_LOOKAHEAD_MS, WEEK_MS, nextReviewAt, reviewsDue } from './reviews.ts';
import { kpi, objective } from './model.fixture.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-15T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('nextReviewAt', () => {
  it.each([
    ['weekly', '2026-11-01T09:00:00.000Z', '2026-11-08T09:00:00.000Z'],
    ['monthly', '2026-11-01T09:00:00.000Z', '2026-12-01T09:00:00.000Z'],
    ['monthly', '2026-01-31T09:00:00.000Z', '2026-02-28T09:00:00.000Z'],
    ['monthly', '2026-12-15T00:00:00.000Z', '2027-01-15T00:00:00.000Z'],
    ['quarterly', '2026-11-30T00:00:00.000Z', '2027-02-28T00:00:00.000Z'],
    ['quarterly', '2026-07-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z'],
  ] as const)('%s after %s → %s', (cadence, last, due) => {
    expect(iso(nextReviewAt(Date.parse(last), cadence))).toBe(due);
  });
  it('weekly is exactly seven days', () => expect(nextReviewAt(0, 'weekly')).toBe(WEEK_MS));
});

describe('reviewsDue', () => {
  const model = {
    objectives: [objective('grow', { review: 'monthly', owner: 'cara' }), objective('quiet')],
    kpis: [kpi('orders', { review: 'weekly', owner: 'ann' }), kpi('latency', { review: 'quarterly', owner: undefined })],
  };

  it('lists only subjects with a cadence, with owner and cadence', () => {
    const longAgo = new Map(['kpi:orders', 'kpi:latency', 'objective:grow', 'objective:quiet'].map((k) => [k, NOW - 200 * DAY]));
    const due = reviewsDue(model, new Map(), NOW, longAgo);
    // soonest due first: a week, a month and a quarter after creation
    expect(due.map((d) => d.subject)).toEqual([
      { kind: 'kpi', id: 'orders', name: 'KPI orders', owner: 'ann' },
      { kind: 'objective', id: 'grow', name: 'Objective grow', owner: 'cara' },
      { kind: 'kpi', id: 'latency', name: 'KPI latency' },
    ]);
    expect(due.map((d) => d.cadence)).toEqual(['weekly', 'monthly', 'quarterly']);
  });

  it('is due one cadence from now, not overdue, when never checked in and the creation time is unknown', () => {
    const due = reviewsDue(model, new Map(), NOW);
    // weekly: a week out, at the edge of the list; monthly and quarterly: beyond it
    expect(due).toEqual([
      expect.objectContaining({
        subject: expect.objectContaining({ id: 'orders' }),
        lastCheckinAt: null,
        dueAt: NOW + WEEK_MS,
        overdue: false,
      }),
    ]);
  });

  it('is not overdue right after its schedule was created (a first start)', () => {
    const justNow = new Map([
      ['kpi:orders', NOW - 5_000],
      ['kpi:latency', NOW - 5_000],
      ['objective:grow', NOW - 5_000],
    ]);
    const due = reviewsDue(model, new Map(), NOW, justNow);
    expect(due.filter((d) => d.overdue)).toEqual([]);
    expect(due.map((d) => [d.subject.id, d.dueAt])).toEqual([['orders', NOW - 5_000 + WEEK_MS]]);
  });

  it('is overdue once a whole cadence has passed since creation without a check-in', () => {
    const created = new Map([['kpi:orders', NOW - 10 * DAY]]);
    const due = reviewsDue(model, new Map(), NOW, created);
    expect(due[0]).toMatchObject({ subject: { id: 'orders' }, dueAt: NOW - 3 * DAY, overdue: true });
  });

  it('is due one cadence after the last check-in', () => {
    const last = new Map([
      ['kpi:orders', NOW - 10 * DAY],
      ['objective:grow', Date.parse('2026-10-20T12:00:00Z')],
      ['kpi:latency', Date.parse('2026-08-18T12:00:00Z')],
    ]);
    const due = reviewsDue(model, last, NOW);
    expect(due.map((d) => [d.subject.id, iso(d.dueAt), d.overdue])).toEqual([
      ['orders', iso(NOW - 3 * DAY), true],
      ['latency', '2026-11-18T12:00:00.000Z', false],
      ['grow', '2026-11-20T12:00:00.000Z', false],
    ]);
    expect(due[0]?.lastCheckinAt).toBe(NOW - 10 * DAY);
  });

  it('leaves out what is due more than a week ahead, and includes the edge', () => {
    const edge = NOW + REVIEW_LOOKAHEAD_MS - WEEK_MS; // checked in so that the next weekly review is exactly at the edge
    const m = {
      objectives: [],
      kpis: [kpi('edge', { review: 'weekly' }), kpi('later', { review: 'weekly' }), kpi('monthly', { review: 'monthly' })],
    };
    const last = new Map([
      ['kpi:edge', edge],
      ['kpi:later', edge + 1],
      ['kpi:monthly', NOW - DAY],
    ]);
    expect(reviewsDue(m, last, NOW).map((d) => d.subject.id)).toEqual(['edge']);
  });

  it('ignores check-ins keyed for the other kind', () => {
    const m = { objectives: [objective('x', { review: 'monthly' })], kpis: [kpi('x', { review: 'monthly' })] };
    const due = reviewsDue(m, new Map([['kpi:x', NOW]]), NOW, new Map([['objective:x', NOW - 40 * DAY]]));
    // the KPI's check-in puts it a month out; the objective with the same id was never checked in
    expect(due.map((d) => `${d.subject.kind}:${d.subject.id}`)).toEqual(['objective:x']);
  });

  it('sorts by due time, then kind, then id', () => {
    const m = {
      objectives: [objective('b', { review: 'weekly' }), objective('a', { review: 'weekly' })],
      kpis: [kpi('c', { review: 'weekly' }), kpi('early', { review: 'weekly' })],
    };
    const created = new Map(['objective:a', 'objective:b', 'kpi:c'].map((k) => [k, NOW - WEEK_MS]));
    const due = reviewsDue(m, new Map([['kpi:early', NOW - 8 * DAY]]), NOW, created);
    expect(due.map((d) => `${d.subject.kind}:${d.subject.id}`)).toEqual(['kpi:early', 'kpi:c', 'objective:a', 'objective:b']);
  });
});
