import { describe, expect, it } from 'vitest';
import type { Alert, Silence } from '@northstar/shared';
import type { Route } from './config.ts';
import { Dispatcher, groupKeyFor, routeMatches } from './routing.ts';
import { RETELL_MAX_AGE_DAYS, SEND_RECORD_DAYS } from './send-record.ts';
import { alertLabels } from './silences.ts';
import { makeAlert } from './alerts.fixture.ts';

const SEC = 1_000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;

const route = (over: Partial<Route> = {}): Route => ({
  match: {},
  channels: ['ops-webhook'],
  groupBy: ['rule'],
  groupWaitMs: 30 * SEC,
  repeatIntervalMs: 4 * HOUR,
  ...over,
});

/** An alert that started firing at `at`. */
const firing = (at: number, over: Partial<Alert> = {}) => makeAlert({ state: 'alerting', firingSince: at, since: at, ...over });
const normal = (at: number, over: Partial<Alert> = {}) => makeAlert({ state: 'normal', firingSince: null, since: at, ...over });
const events = (batches: ReturnType<Dispatcher['tick']>) => batches.flatMap((b) => b.entries.map((e) => `${e.alert.kpi}:${e.event}`));

describe('routeMatches', () => {
  const labels = alertLabels(makeAlert({ severity: 'critical' }));
  it.each([
    [{}, true],
    [{ severity: ['critical' as const] }, true],
    [{ severity: ['warning' as const, 'info' as const] }, false],
    [{ objective: ['company'] }, true], // any objective up the path
    [{ objective: ['hiring'] }, false],
    [{ owner: ['alice'] }, true],
    [{ owner: ['mallory'] }, false],
    [{ severity: ['critical' as const], owner: ['mallory'] }, false], // all given fields must match
  ])('%j → %s', (match, expected) => {
    expect(routeMatches({ match }, labels)).toBe(expected);
  });
  it('groups by the labels asked, objective being the nearest one', () => {
    const labels = alertLabels(makeAlert());
    expect(groupKeyFor(2, { groupBy: ['rule', 'objective'] }, labels)).toBe('2|rule=low-revenue|objective=grow-sales');
    expect(groupKeyFor(0, { groupBy: [] }, labels)).toBe('0');
  });
});

describe('Dispatcher', () => {
  it('sends a firing once the group wait is over, to the route channels', () => {
    const d = new Dispatcher({ routes: [route({ channels: ['a', 'b'] })] });
    expect(d.onAlertChange(firing(0), 0)).toEqual([]);
    expect(d.nextDueAt()).toBe(30 * SEC);
    expect(d.tick(30 * SEC - 1)).toEqual([]);
    const [batch, ...rest] = d.tick(30 * SEC);
    expect(rest).toEqual([]);
    expect(batch).toMatchObject({ groupKey: '0|rule=low-revenue', route: 0, channels: ['a', 'b'], status: 'firing', at: 30 * SEC });
    expect(batch?.entries.map((e) => e.event)).toEqual(['firing']);
    expect(batch?.idempotencyKey).toMatch(/^[0-9a-f]{32}$/);
    expect(d.nextDueAt()).toBeNull();
  });
  it('with no group wait it goes out at once', () => {
    const d = new Dispatcher({ routes: [route({ groupWaitMs: 0 })] });
    expect(events(d.onAlertChange(firing(0), 0))).toEqual(['revenue:firing']);
  });
  it('groups alerts of one rule into one batch, or splits them by KPI', () => {
    const orders = { key: 'low-revenue/orders/total', kpi: 'orders', kpiName: 'Orders' };
    const byRule = new Dispatcher({ routes: [route()] });
    byRule.onAlertChange(firing(0), 0);
    byRule.onAlertChange(firing(0, orders), 10 * SEC);
    const one = byRule.tick(30 * SEC);
    expect(one).toHaveLength(1);
    expect(events(one)).toEqual(['revenue:firing', 'orders:firing']);

    const byKpi = new Dispatcher({ routes: [route({ groupBy: ['kpi'] })] });
    byKpi.onAlertChange(firing(0), 0);
    byKpi.onAlertChange(firing(0, orders), 10 * SEC);
    expect(byKpi.tick(30 * SEC).map((b) => b.groupKey)).toEqual(['0|kpi=revenue']);
    expect(byKpi.tick(40 * SEC).map((b) => b.groupKey)).toEqual(['0|kpi=orders']);
  });
  it('one firing per episode: Recovering ↔ Alerting, NoData and Error are silent; Normal resolves', () => {
    const d = new Dispatcher({ routes: [route({ groupWaitMs: 0 })] });
    expect(events(d.onAlertChange(firing(0), 0))).toEqual(['revenue:firing']);
    expect(d.onAlertChange(firing(0, { state: 'recovering' }), MIN)).toEqual([]);
    expect(d.onAlertChange(firing(0), 2 * MIN)).toEqual([]);
    expect(d.onAlertChange(firing(0, { state: 'nodata' }), 3 * MIN)).toEqual([]);
    expect(d.onAlertChange(firing(0, { state: 'error' }), 4 * MIN)).toEqual([]);
    const resolved = d.onAlertChange(normal(5 * MIN), 5 * MIN);
    expect(events(resolved)).toEqual(['revenue:resolved']);
    expect(resolved[0]?.status).toBe('resolved');
    expect(events(d.onAlertChange(firing(6 * MIN), 6 * MIN))).toEqual(['revenue:firing']);
  });
  it('a pending, nodata or error alert that never fired sends nothing, nor does its return to normal', () => {
    const d = new Dispatcher({ routes: [route({ groupWaitMs: 0 })] });
    for (const state of ['pending', 'nodata', 'error', 'normal'] as const)
      expect(d.onAlertChange(makeAlert({ state, firingSince: null }), 0)).toEqual([]);
  });
  it('a firing and its resolved that meet in one unsent batch cancel out', () => {
    const d = new Dispatcher({ routes: [route()] });
    d.onAlertChange(firing(0), 0);
    d.onAlertChange(normal(10 * SEC), 10 * SEC);
    expect(d.tick(HOUR)).toEqual([]);
    expect(d.nextDueAt()).toBeNull();
  });
  it('repeats a still-firing alert every repeat interval, not before', () => {
    const d = new Dispatcher({ routes: [route({ groupWaitMs: 0, repeatIntervalMs: HOUR })] });
    d.onAlertChange(firing(0), 0);
    expect(d.tick(HOUR - 1)).toEqual([]);
    expect(events(d.tick(HOUR))).toEqual(['revenue:repeat']);
    expect(d.tick(HOUR + MIN)).toEqual([]);
    expect(events(d.tick(2 * HOUR))).toEqual(['revenue:repeat']);
  });
  it('does not repeat an acknowledged or silenced alert, nor with repeats off', () => {
    const d = new Dispatcher({ routes: [route({ groupWaitMs: 0, repeatIntervalMs: HOUR })] });
    d.onAlertChange(firing(0), 0);
    d.onAlertChange(firing(0, { acknowledged: { by: 'alice', at: MIN, comment: 'on it' } }), MIN);
    expect(d.tick(3 * HOUR)).toEqual([]);
    d.onAlertChange(firing(0, { silencedBy: 's1' }), 3 * HOUR);
    expect(d.tick(6 * HOUR)).toEqual([]);

    const off = new Dispatcher({ routes: [route({ groupWaitMs: 0, repeatIntervalMs: 0 })] });
    off.onAlertChange(firing(0), 0);
    expect(off.tick(100 * HOUR)).toEqual([]);
  });
  it('a silence holds the firing back; when it ends and the alert still fires, it goes out', () => {
    const silence: Silence = {
      id: 's1',
      matchers: [{ field: 'kpi', value: 'revenue' }],
      startsAt: 0,
      endsAt: HOUR,
      comment: 'migration',
      createdBy: 'alice',
    };
    const d = new Dispatcher({ routes: [route({ groupWaitMs: 0 })], silences: () => [silence] });
    expect(d.onAlertChange(firing(0), 0)).toEqual([]);
    expect(d.tick(HOUR - 1)).toEqual([]);
    expect(events(d.tick(HOUR))).toEqual(['revenue:firing']);
  });
  it('a silence set during the group wait drops the unsent firing, and no resolved follows', () => {
    let silences: Silence[] = [];
    const d = new Dispatcher({ routes: [route()], silences: () => silences });
    d.onAlertChange(firing(0), 0);
    silences = [{ id: 's', matchers: [{ field: 'rule', value: 'low-revenue' }], startsAt: 0, endsAt: HOUR, comment: 'x', createdBy: 'a' }];
    expect(d.tick(30 * SEC)).toEqual([]);
    expect(d.onAlertChange(normal(MIN), MIN)).toEqual([]);
    expect(d.tick(2 * HOUR)).toEqual([]);
  });
  it('a resolved still goes out when the alert was silenced after its firing went out', () => {
    const d = new Dispatcher({ routes: [route({ groupWaitMs: 0 })] });
    d.onAlertChange(firing(0), 0);
    d.onAlertChange(firing(0, { silencedBy: 's1' }), MIN);
    expect(events(d.onAlertChange(normal(2 * MIN, { silencedBy: 's1' }), 2 * MIN))).toEqual(['revenue:resolved']);
  });
  it('flapping: one notice, nothing while it lasts, then where it settled', () => {
    const d = new Dispatcher({ routes: [route({ groupWaitMs: 0 })] });
    d.onAlertChange(firing(0), 0);
    expect(events(d.onAlertChange(normal(MIN, { flapping: true }), MIN))).toEqual(['revenue:flapping']);
    for (let i = 2; i < 20; i++) {
      const a = i % 2 === 0 ? firing(i * MIN, { flapping: true }) : normal(i * MIN, { flapping: true });
      expect(d.onAlertChange(a, i * MIN)).toEqual([]);
    }
    expect(d.tick(10 * HOUR)).toEqual([]); // no repeats while flapping
    expect(events(d.onAlertChange(firing(20 * MIN), 11 * HOUR))).toEqual(['revenue:firing']);
    expect(events(d.onAlertChange(normal(12 * HOUR), 12 * HOUR))).toEqual(['revenue:resolved']);
  });
  it('flapping that settles in Normal closes with a resolved', () => {
    const d = new Dispatcher({ routes: [route({ groupWaitMs: 0 })] });
    d.onAlertChange(firing(0, { flapping: true }), 0);
    expect(events(d.onAlertChange(normal(HOUR), HOUR))).toEqual(['revenue:resolved']);
  });

  describe('quiet hours', () => {
    const night = route({ groupWaitMs: 0, quietHours: { start: '22:00', end: '07:00' } });
    const at = (iso: string) => Date.parse(iso);
    it('hold a warning until the window ends in the KPI time zone', () => {
      const d = new Dispatcher({ routes: [night], timezoneOf: () => 'Europe/Berlin' });
      const t = at('2026-10-24T21:30:00Z'); // 23:30 in Berlin
      expect(d.onAlertChange(firing(t), t)).toEqual([]);
      const end = at('2026-10-25T06:00:00Z'); // 07:00 CET, after the clocks went back
      expect(d.nextDueAt()).toBe(end);
      expect(d.tick(end - 1)).toEqual([]);
      expect(events(d.tick(end))).toEqual(['revenue:firing']);
    });
    it('let a critical through at once (documented: critical always goes out)', () => {
      const d = new Dispatcher({ routes: [night], timezoneOf: () => 'Europe/Berlin' });
      const t = at('2026-10-24T21:30:00Z');
      expect(events(d.onAlertChange(firing(t, { severity: 'critical' }), t))).toEqual(['revenue:firing']);
    });
    it('use the KPI time zone: the same instant is quiet for one KPI and not another', () => {
      const tz = (kpi: string) => (kpi === 'revenue' ? 'Europe/Berlin' : 'Asia/Tokyo');
      const d = new Dispatcher({ routes: [route({ ...night, groupBy: ['kpi'] })], timezoneOf: tz });
      const t = at('2026-10-24T21:30:00Z'); // 23:30 Berlin, 06:30 Tokyo → both quiet
      d.onAlertChange(firing(t), t);
      const later = at('2026-10-24T23:00:00Z'); // 01:00 Berlin, 08:00 Tokyo
      expect(events(d.onAlertChange(firing(later, { key: 'r/orders/t', kpi: 'orders' }), later))).toEqual(['orders:firing']);
    });
    it('a firing and resolved both held in quiet hours cancel out', () => {
      const d = new Dispatcher({ routes: [night] });
      d.onAlertChange(firing(at('2026-06-01T23:00:00Z')), at('2026-06-01T23:00:00Z'));
      d.onAlertChange(normal(at('2026-06-02T01:00:00Z')), at('2026-06-02T01:00:00Z'));
      expect(d.tick(at('2026-06-02T08:00:00Z'))).toEqual([]);
    });
  });

  it('every matching route gets the alert; none matching sends nothing', () => {
    const d = new Dispatcher({
      routes: [
        route({ match: { severity: ['critical'] }, channels: ['pager'], groupWaitMs: 0 }),
        route({ match: { owner: ['alice'] }, channels: ['alice-mail'], groupWaitMs: 0 }),
        route({ match: { objective: ['hiring'] }, channels: ['hr'], groupWaitMs: 0 }),
      ],
    });
    const sent = d.onAlertChange(firing(0, { severity: 'critical' }), 0);
    expect(sent.map((b) => b.channels)).toEqual([['pager'], ['alice-mail']]);
    const nobody = new Dispatcher({ routes: [route({ match: { owner: ['mallory'] }, groupWaitMs: 0 })] });
    expect(nobody.onAlertChange(firing(0), 0)).toEqual([]);
  });
  it('remove forgets an alert and its unsent entries', () => {
    const d = new Dispatcher({ routes: [route()] });
    d.onAlertChange(firing(0), 0);
    d.remove(makeAlert().key);
    expect(d.tick(HOUR)).toEqual([]);
  });
  it('the idempotency key differs between batches and is stable for the same content and time', () => {
    const a = new Dispatcher({ routes: [route({ groupWaitMs: 0 })] });
    const b = new Dispatcher({ routes: [route({ groupWaitMs: 0 })] });
    const k1 = a.onAlertChange(firing(0), 0)[0]?.idempotencyKey;
    expect(b.onAlertChange(firing(0), 0)[0]?.idempotencyKey).toBe(k1);
    expect(a.onAlertChange(normal(MIN), MIN)[0]?.idempotencyKey).not.toBe(k1);
  });
});

describe('routing by state: NoData and Error on their own', () => {
  const tagged = (batches: ReturnType<Dispatcher['tick']>) =>
    batches.flatMap((b) => b.entries.map((e) => `${b.channels.join('+')}:${e.about ?? 'alerting'}:${e.event}`));
  const routes = [
    route({ groupWaitMs: 0, channels: ['pager'] }),
    route({ groupWaitMs: 0, channels: ['data-team'], match: { state: ['nodata'] } }),
  ];

  it('routeMatches: no state listed means firing episodes only', () => {
    const labels = alertLabels(makeAlert());
    expect(routeMatches({ match: {} }, labels, 'alerting')).toBe(true);
    expect(routeMatches({ match: {} }, labels, 'nodata')).toBe(false);
    expect(routeMatches({ match: { state: ['nodata'] } }, labels, 'nodata')).toBe(true);
    expect(routeMatches({ match: { state: ['nodata'] } }, labels, 'alerting')).toBe(false);
    expect(routeMatches({ match: { state: ['nodata', 'alerting'], severity: ['info'] } }, labels, 'nodata')).toBe(false);
  });

  it('NoData of a rule that never fired goes to the NoData route only, once, and its end resolves it', () => {
    const d = new Dispatcher({ routes });
    expect(tagged(d.onAlertChange(makeAlert({ state: 'nodata', firingSince: null, since: 0 }), 0))).toEqual(['data-team:nodata:firing']);
    expect(d.onAlertChange(makeAlert({ state: 'nodata', firingSince: null, since: 0 }), MIN)).toEqual([]);
    expect(d.tick(10 * HOUR)).toEqual([]); // never repeated
    const back = d.onAlertChange(normal(11 * HOUR), 11 * HOUR);
    expect(tagged(back)).toEqual(['data-team:nodata:resolved']);
    expect(back[0]?.status).toBe('resolved');
  });

  it('NoData inside a firing episode: the pager hears the episode, the data team the spell, apart', () => {
    const d = new Dispatcher({ routes });
    expect(tagged(d.onAlertChange(firing(0), 0))).toEqual(['pager:alerting:firing']);
    expect(tagged(d.onAlertChange(firing(0, { state: 'nodata' }), MIN))).toEqual(['data-team:nodata:firing']);
    // data back and the rule still holds: the spell ends, the episode goes on without a new firing
    expect(tagged(d.onAlertChange(firing(0), 2 * MIN))).toEqual(['data-team:nodata:resolved']);
    expect(tagged(d.onAlertChange(normal(3 * MIN), 3 * MIN))).toEqual(['pager:alerting:resolved']);
  });

  it('one route for both keeps the spell and the episode as separate entries', () => {
    const d = new Dispatcher({ routes: [route({ groupWaitMs: 0, match: { state: ['alerting', 'nodata'] } })] });
    d.onAlertChange(firing(0), 0);
    const spell = d.onAlertChange(firing(0, { state: 'nodata' }), MIN);
    expect(tagged(spell)).toEqual(['ops-webhook:nodata:firing']);
    expect(spell[0]?.status).toBe('firing');
    expect(tagged(d.onAlertChange(normal(2 * MIN), 2 * MIN))).toEqual(['ops-webhook:alerting:resolved', 'ops-webhook:nodata:resolved']);
  });

  it('a NoData spell that ends before its group wait sends nothing; a silenced one is sent when the silence ends', () => {
    const d = new Dispatcher({ routes: [route({ match: { state: ['nodata'] } })] });
    d.onAlertChange(makeAlert({ state: 'nodata', firingSince: null }), 0);
    d.onAlertChange(normal(10 * SEC), 10 * SEC);
    expect(d.tick(HOUR)).toEqual([]);

    const silenced = new Dispatcher({ routes: [route({ groupWaitMs: 0, match: { state: ['nodata'] } })] });
    expect(silenced.onAlertChange(makeAlert({ state: 'nodata', firingSince: null, silencedBy: 's1' }), 0)).toEqual([]);
    expect(tagged(silenced.onAlertChange(makeAlert({ state: 'nodata', firingSince: null }), MIN))).toEqual(['ops-webhook:nodata:firing']);
  });

  it('Error is routed the same way when a route asks for it', () => {
    const d = new Dispatcher({ routes: [route({ groupWaitMs: 0, match: { state: ['error'] } })] });
    expect(tagged(d.onAlertChange(makeAlert({ state: 'error', firingSince: null }), 0))).toEqual(['ops-webhook:error:firing']);
    expect(tagged(d.onAlertChange(normal(MIN), MIN))).toEqual(['ops-webhook:error:resolved']);
  });
});

describe('Dispatcher.resume and retell (a rule taken over from another instance)', () => {
  const routes = [route({ groupWaitMs: 0, repeatIntervalMs: HOUR })];

  it('takes a resumed firing as told: its resolve goes out, nothing is queued for it', () => {
    const d = new Dispatcher({ routes });
    d.resume(firing(0), 10 * MIN);
    expect(d.tick(10 * MIN)).toEqual([]);
    expect(events(d.onAlertChange(normal(11 * MIN), 11 * MIN))).toEqual(['revenue:resolved']);
  });

  it('without resume, a resolve of a firing this dispatcher never saw is not told (what resume fixes)', () => {
    const d = new Dispatcher({ routes });
    expect(d.onAlertChange(normal(11 * MIN), 11 * MIN)).toEqual([]);
  });

  it('retells the firing with the key the first teller used, and repeats count from the take-over', () => {
    const original = new Dispatcher({ routes }).onAlertChange(firing(0), 0);
    const d = new Dispatcher({ routes });
    d.resume(firing(0), 10 * MIN);
    const again = d.retell(makeAlert().key, 10 * MIN + 10 * SEC);
    expect(events(again)).toEqual(['revenue:firing']);
    expect(again[0]?.idempotencyKey).toBe(original[0]?.idempotencyKey);
    expect(d.tick(10 * MIN + 30 * MIN)).toEqual([]);
    expect(events(d.tick(10 * MIN + 10 * SEC + HOUR))).toEqual(['revenue:repeat']);
  });

  it('does not retell an alert that resolved meanwhile, nor one never resumed', () => {
    const d = new Dispatcher({ routes });
    d.resume(firing(0), 10 * MIN);
    d.onAlertChange(normal(11 * MIN), 11 * MIN);
    expect(d.retell(makeAlert().key, 12 * MIN)).toEqual([]);
    expect(new Dispatcher({ routes }).retell('nobody', 0)).toEqual([]);
  });

  it('does not retell a firing older than the send record is kept, whose key may be forgotten; its repeats go on', () => {
    const DAY = 24 * HOUR;
    const resumedAt = RETELL_MAX_AGE_DAYS * DAY;
    const young = new Dispatcher({ routes });
    young.resume(firing(SEC), resumedAt);
    expect(events(young.retell(makeAlert().key, resumedAt))).toEqual(['revenue:firing']);
    const old = new Dispatcher({ routes });
    old.resume(firing(0), resumedAt);
    expect(old.retell(makeAlert().key, resumedAt)).toEqual([]);
    expect(events(old.tick(resumedAt + HOUR))).toEqual(['revenue:repeat']);
    // the store forgets a key SEND_RECORD_DAYS after it was sent, which is after the episode began
    expect(RETELL_MAX_AGE_DAYS).toBeLessThan(SEND_RECORD_DAYS);
  });
});
