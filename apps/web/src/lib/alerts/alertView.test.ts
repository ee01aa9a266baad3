import type { Alert } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import {
  alertRows,
  alertingKpis,
  announcement,
  firingCount,
  formatPath,
  isNewlyFiring,
  objectivesAtRisk,
  pathOwners,
  silenceFor,
  valueVsThreshold,
} from './alertView.ts';
import { MAX_TOASTS, dismissToast, pushToast, type Toast } from './toasts.ts';

function alert(over: Partial<Alert> = {}): Alert {
  const kpi = over.kpi ?? 'latency';
  return {
    key: `${over.rule ?? 'slow'}/${kpi}/`,
    rule: 'slow',
    ruleName: 'Too slow',
    kpi,
    kpiName: 'API latency',
    series: '',
    severity: 'critical',
    state: 'alerting',
    reason: 'value 420 > 300',
    firingSince: 1_000,
    since: 1_000,
    value: 420,
    threshold: 300,
    path: [
      { kind: 'kpi', id: kpi, name: 'API latency', owner: 'Sam' },
      { kind: 'objective', id: 'fast-and-up', name: 'Keep the platform fast and up', owner: 'Ravi' },
      { kind: 'objective', id: 'platform', name: 'Run a platform customers never notice', owner: 'Priya' },
    ],
    flapping: false,
    acknowledged: null,
    silencedBy: null,
    feedback: null,
    ...over,
  };
}

describe('alertRows', () => {
  it('lists newest episode first and leaves resolved alerts out', () => {
    const rows = alertRows([
      alert({ key: 'a', firingSince: 1_000, since: 5_000 }),
      alert({ key: 'b', firingSince: 3_000, since: 3_000 }),
      alert({ key: 'c', state: 'pending', firingSince: null, since: 2_000 }),
      alert({ key: 'd', state: 'normal', firingSince: null, since: 9_000 }),
    ]);
    expect(rows.map((r) => r.key)).toEqual(['b', 'c', 'a']);
  });

  it('keeps one row per alert, its newest state, and a flapping alert between episodes', () => {
    const rows = alertRows([
      alert({ key: 'f', state: 'alerting', since: 1_000, firingSince: 1_000 }),
      alert({ key: 'f', state: 'normal', since: 2_000, firingSince: null, flapping: true }),
      alert({ key: 'f', state: 'alerting', since: 1_500, firingSince: 1_500 }),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: 'f', state: 'normal', flapping: true });
  });

  it('orders ties by key so rows do not swap places', () => {
    expect(alertRows([alert({ key: 'z' }), alert({ key: 'a' })]).map((r) => r.key)).toEqual(['a', 'z']);
  });
});

describe('what is firing', () => {
  const list = [
    alert({ key: 'x', kpi: 'latency', state: 'alerting' }),
    alert({ key: 'y', kpi: 'errors', kpiName: 'Errors', state: 'recovering' }),
    alert({ key: 'z', kpi: 'orders', kpiName: 'Orders', state: 'pending', path: [{ kind: 'objective', id: 'sell', name: 'Sell' }] }),
  ];

  it('counts alerting and recovering alerts, and marks their KPIs', () => {
    expect(firingCount(list)).toBe(2);
    expect([...alertingKpis(list)].sort()).toEqual(['errors', 'latency']);
  });

  it('marks every objective on a firing alert path, naming the KPIs below it', () => {
    const risk = objectivesAtRisk(list);
    expect([...risk.keys()]).toEqual(['fast-and-up', 'platform']);
    expect(risk.get('platform')).toEqual(['API latency', 'Errors']);
    expect(risk.has('sell')).toBe(false);
  });
});

describe('row text', () => {
  it('formats the path up the tree and the owners on it', () => {
    expect(formatPath(alert().path)).toBe('API latency › Keep the platform fast and up › Run a platform customers never notice');
    expect(
      pathOwners([...alert().path, { kind: 'objective', id: 'x', name: 'X', owner: 'Sam' }, { kind: 'objective', id: 'y', name: 'Y' }]),
    ).toEqual(['Sam', 'Ravi', 'Priya']);
  });

  it('shows the value against the threshold in the KPI unit', () => {
    expect(valueVsThreshold(alert(), 'ms')).toBe('value 420 ms · threshold 300 ms');
    expect(valueVsThreshold(alert({ value: 1_250, threshold: null }), 'eur')).toBe('value €1.25k');
    expect(valueVsThreshold(alert({ value: null }), '')).toBe('value — · threshold 300');
    // a pacing alert: the projection is labelled as one, and what it is compared with is the target
    expect(valueVsThreshold(alert({ value: 1.5e6, projection: 1.74e6, threshold: 2.1e6 }), 'eur')).toBe(
      'value €1.5M · projected €1.74M by period end · target €2.1M',
    );
  });

  it('announces severity, KPI, value and the nearest objective at risk', () => {
    expect(announcement(alert(), 'ms')).toBe(
      'Critical alert: API latency value 420 ms · threshold 300 ms (Too slow). Under objective: Keep the platform fast and up.',
    );
  });
});

describe('isNewlyFiring', () => {
  it('is news when an alert starts firing, not when it goes on firing', () => {
    expect(isNewlyFiring(undefined, alert())).toBe(true);
    expect(isNewlyFiring(alert({ state: 'pending' }), alert())).toBe(true);
    expect(isNewlyFiring(alert({ state: 'normal' }), alert())).toBe(true);
    expect(isNewlyFiring(alert(), alert({ acknowledged: { by: 'a', at: 1, comment: '' } }))).toBe(false);
    expect(isNewlyFiring(alert({ state: 'recovering' }), alert())).toBe(false);
    expect(isNewlyFiring(undefined, alert({ state: 'pending' }))).toBe(false);
  });

  it('stays quiet for a flapping or silenced alert', () => {
    expect(isNewlyFiring(alert({ state: 'normal' }), alert({ flapping: true }))).toBe(false);
    expect(isNewlyFiring(undefined, alert({ silencedBy: 's1' }))).toBe(false);
  });
});

describe('silenceFor', () => {
  it('matches the rule on the KPI until now + the hours chosen', () => {
    const s = silenceFor(alert(), 4, 1_000, 'Dana');
    expect(s.matchers).toEqual([
      { field: 'rule', value: 'slow' },
      { field: 'kpi', value: 'latency' },
    ]);
    expect(s.endsAt).toBe(1_000 + 4 * 3_600_000);
    expect(s.comment).toMatch(/4 h.*Dana/);
  });
});

describe('toasts', () => {
  const t = (id: number, alertKey = `k${id}`): Toast => ({ id, alertKey, severity: 'critical', text: `t${id}` });

  it('stacks newest first, at most three', () => {
    let list: Toast[] = [];
    for (let i = 1; i <= 5; i++) list = pushToast(list, t(i));
    expect(list.map((x) => x.id)).toEqual([5, 4, 3]);
    expect(list).toHaveLength(MAX_TOASTS);
  });

  it('replaces an older toast for the same alert, and dismisses by id', () => {
    const list = pushToast([t(1, 'a'), t(2, 'b')], t(3, 'a'));
    expect(list.map((x) => x.id)).toEqual([3, 2]);
    expect(dismissToast(list, 3).map((x) => x.id)).toEqual([2]);
  });
});
