import { describe, expect, it } from 'vitest';
import type { Alert, KpiState } from '@northstar/shared';
import { LiveJournal } from './journal.ts';
import { kpisUnderObjective, Subscription } from './subscription.ts';

const state = (id: string, value: number) => ({ id, value }) as KpiState;
const everything = () => true;

describe('LiveJournal', () => {
  it('numbers updates monotonically per KPI from one counter', () => {
    const j = new LiveJournal();
    expect(j.recordKpi('a', { state: state('a', 1) }).seq).toBe(1);
    expect(j.recordKpi('b', { state: state('b', 1) }).seq).toBe(2);
    expect(j.recordKpi('a', { spark: [] }).seq).toBe(3);
    expect(j.seqs(['a', 'b', 'c'])).toEqual({ a: 3, b: 2 });
    expect(j.get('a')?.state?.value).toBe(1); // a sparkline-only update keeps the state
  });

  it('replays only the KPIs that moved past what the client has', () => {
    const j = new LiveJournal();
    j.recordKpi('a', { state: state('a', 1) });
    j.recordKpi('b', { state: state('b', 1) });
    j.recordKpi('a', { state: state('a', 2) });
    const plan = j.plan({ a: 1, b: 2 }, undefined, everything);
    expect(plan.kind === 'replay' && plan.kpis.map((e) => [e.id, e.seq, e.state?.value])).toEqual([['a', 3, 2]]);
    expect(j.plan({ a: 3, b: 2 }, undefined, everything)).toEqual({ kind: 'replay', kpis: [], alerts: [] });
    expect(j.plan({ a: 1, b: 2 }, undefined, (id) => id !== 'a')).toEqual({ kind: 'replay', kpis: [], alerts: [] });
  });

  it('tells a client that fell behind at a cursor the newest of each KPI numbered after it, and the alerts since', () => {
    const j = new LiveJournal({ historyPerKpi: 2 });
    j.recordKpi('a', { state: state('a', 1) });
    j.recordKpi('b', { state: state('b', 1) });
    const cursor = j.cursor;
    for (let v = 2; v <= 5; v++) j.recordKpi('a', { state: state('a', v) }); // past its history: whole values need none
    j.recordAlert({ key: 'r/a/', kpi: 'a' } as Alert);
    const plan = j.changedSince(cursor, everything);
    expect(plan.kind === 'replay' && plan.kpis.map((e) => [e.id, e.state?.value])).toEqual([['a', 5]]);
    expect(plan.kind === 'replay' && plan.alerts.map((a) => a.key)).toEqual(['r/a/']);
    expect(j.changedSince(cursor, (id) => id === 'b')).toEqual({
      kind: 'replay',
      kpis: [],
      alerts: [expect.objectContaining({ key: 'r/a/' })],
    });
    j.recordResync(new Set(['a', 'b']));
    expect(j.changedSince(cursor, everything)).toEqual({ kind: 'snapshot', reason: 'model-changed' });
  });

  it('asks for a snapshot when the gap is larger than the history, or the model changed', () => {
    const j = new LiveJournal({ historyPerKpi: 3 });
    for (let i = 0; i < 5; i++) j.recordKpi('a', { state: state('a', i) }); // seqs 1..5, remembers 3..5
    expect(j.plan({ a: 3 }, undefined, everything).kind).toBe('replay');
    expect(j.plan({ a: 2 }, undefined, everything)).toEqual({ kind: 'snapshot', reason: 'gap-too-large' });
    j.recordResync(new Set(['a']));
    expect(j.plan({ a: 5 }, undefined, everything)).toEqual({ kind: 'snapshot', reason: 'model-changed' });
    expect(j.plan({ a: 5 }, j.cursor, everything).kind).toBe('replay');
  });

  it('replays alert changes after the cursor, and asks for a snapshot once they are forgotten', () => {
    const j = new LiveJournal({ alertHistory: 2 });
    const alert = (key: string) => ({ key }) as Alert;
    j.recordAlert(alert('x')); // 1
    const cursor = j.recordAlert(alert('y')); // 2
    j.recordAlert(alert('z')); // 3, forgets x
    expect(j.plan({}, cursor, everything)).toEqual({ kind: 'replay', kpis: [], alerts: [alert('z')] });
    expect(j.plan({}, 0, everything)).toEqual({ kind: 'snapshot', reason: 'alerts-forgotten' });
  });

  it("keeps one entry per alert, its newest: a firing alert's live figures do not push other alerts out", () => {
    const j = new LiveJournal({ alertHistory: 2 });
    const alert = (key: string, value: number) => ({ key, value }) as Alert;
    j.recordAlert(alert('x', 1)); // 1
    for (let v = 2; v <= 10; v++) j.recordAlert(alert('y', v)); // 2..10, one entry for y
    expect(j.plan({}, 0, everything)).toEqual({ kind: 'replay', kpis: [], alerts: [alert('x', 1), alert('y', 10)] });
  });
});

describe('Subscription', () => {
  const model = {
    objectives: [{ id: 'child', parent: 'root' }, { id: 'root' }, { id: 'other' }],
    kpis: [
      { id: 'k1', objective: 'root' },
      { id: 'k2', objectives: [{ id: 'child', weight: 1 }] },
      { id: 'k3', objective: 'other' },
    ],
  };
  const under = (id: string) => kpisUnderObjective(model, id);

  it('resolves objectives to the KPIs linked to them or below them', () => {
    expect(under('root').sort()).toEqual(['k1', 'k2']);
    expect(under('child')).toEqual(['k2']);
  });

  it('unions KPIs, objectives and boards, and keys equal sets alike', () => {
    const a = new Subscription();
    a.add({ objectives: ['child'], boards: [{ id: 'ops', kpis: ['k3'] }] });
    a.resolve(under);
    expect([...a.ids!].sort()).toEqual(['k2', 'k3']);
    const b = new Subscription();
    b.add({ kpis: ['k3', 'k2'] });
    b.resolve(under);
    expect(b.key).toBe(a.key);
    a.remove({ boards: [{ id: 'ops', kpis: [] }] });
    a.resolve(under);
    expect([...a.ids!]).toEqual(['k2']);
    expect(a.includes('k3')).toBe(false);
  });

  it('takes every KPI with `all`, until it is unsubscribed', () => {
    const s = new Subscription();
    s.add({ kpis: ['k1'] });
    s.add({ all: true });
    s.resolve(under);
    expect(s.ids).toBeNull();
    expect(s.includes('anything')).toBe(true);
    expect(s.scope.all).toBe(true);
    s.remove({ all: true });
    s.resolve(under);
    expect([...s.ids!]).toEqual(['k1']);
    expect(s.scope.all).toBeUndefined();
  });
});
