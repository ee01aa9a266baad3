import { describe, expect, it } from 'vitest';
import type { AlertSeverity, AlertStateName } from './alerts.ts';
import { STATUSES, type KpiStatusName } from './kpi.ts';
import { kpiHealth, kpiHealthMap, objectiveHealth, type AlertOnKpi } from './status-model.ts';

const alert = (state: AlertStateName, severity: AlertSeverity, ruleName = 'Rule', kpi = 'k'): AlertOnKpi => ({
  kpi,
  state,
  severity,
  ruleName,
});

describe('kpiHealth: measured status × firing alerts', () => {
  // The whole table: every measured status, with no alert, a pending one, and firing ones of each severity.
  const shown: Record<string, Record<KpiStatusName, KpiStatusName>> = {
    none: { on_track: 'on_track', at_risk: 'at_risk', off_track: 'off_track', no_data: 'no_data', no_target: 'no_target' },
    pending: { on_track: 'on_track', at_risk: 'at_risk', off_track: 'off_track', no_data: 'no_data', no_target: 'no_target' },
    info: { on_track: 'on_track', at_risk: 'at_risk', off_track: 'off_track', no_data: 'no_data', no_target: 'no_target' },
    warning: { on_track: 'at_risk', at_risk: 'at_risk', off_track: 'off_track', no_data: 'no_data', no_target: 'at_risk' },
    critical: { on_track: 'at_risk', at_risk: 'at_risk', off_track: 'off_track', no_data: 'no_data', no_target: 'at_risk' },
    recovering: { on_track: 'at_risk', at_risk: 'at_risk', off_track: 'off_track', no_data: 'no_data', no_target: 'at_risk' },
  };
  const alertsFor: Record<string, AlertOnKpi[]> = {
    none: [],
    pending: [alert('pending', 'critical')],
    info: [alert('alerting', 'info')],
    warning: [alert('alerting', 'warning')],
    critical: [alert('alerting', 'critical')],
    recovering: [alert('recovering', 'warning')],
  };
  for (const [kind, table] of Object.entries(shown)) {
    it.each(STATUSES.map((s) => [s, table[s]]))(`${kind}: measured %s → shown %s`, (measured, expected) => {
      const h = kpiHealth(measured, 'k', alertsFor[kind] ?? []);
      expect(h.status).toBe(expected);
      expect(h.measured).toBe(measured);
      // a shown status differs from the measured one only with a reason that says why
      expect(h.reason === null).toBe(h.status === measured);
    });
  }

  it('names the firing rules, most severe first, and ignores other KPIs and pending alerts', () => {
    const h = kpiHealth('on_track', 'k', [
      alert('alerting', 'warning', 'B warns'),
      alert('alerting', 'critical', 'A pages'),
      alert('alerting', 'critical', 'Other KPI', 'other'),
      alert('pending', 'critical', 'Not yet'),
    ]);
    expect(h).toEqual({
      status: 'at_risk',
      measured: 'on_track',
      firing: ['A pages', 'B warns'],
      pending: ['Not yet'],
      severity: 'critical',
      reason: 'alert firing: A pages, B warns',
    });
  });

  it('kpiHealthMap gives every KPI its health from one list of alerts', () => {
    const m = kpiHealthMap(
      [
        ['a', 'on_track'],
        ['b', 'on_track'],
      ],
      [alert('alerting', 'critical', 'R', 'b')],
    );
    expect(m.get('a')?.status).toBe('on_track');
    expect(m.get('b')?.status).toBe('at_risk');
  });
});

describe('objectiveHealth', () => {
  const c = (name: string, status: KpiStatusName) => ({ name, status });

  it.each([
    [['on_track', 'on_track'], 'on_track'],
    [['on_track', 'at_risk'], 'at_risk'],
    [['at_risk', 'off_track'], 'off_track'],
    [['on_track', 'no_data'], 'on_track'],
    [['no_data', 'no_target'], 'no_target'],
    [['no_data'], 'no_data'],
    [[], 'no_data'],
  ] as const)('children %j → %s, for either rule', (statuses, expected) => {
    for (const rule of ['weighted_average', 'weakest'] as const) {
      expect(
        objectiveHealth(
          rule,
          50,
          statuses.map((s, i) => c(`c${i}`, s)),
        ).status,
      ).toBe(expected);
    }
  });

  it('is never worse than its worst child, and says why it is what it is', () => {
    expect(objectiveHealth('weighted_average', 64, [c('Checkout errors', 'at_risk'), c('Failed payments', 'on_track')])).toEqual({
      status: 'at_risk',
      reason: 'weighted 64 %: Checkout errors at risk',
    });
    expect(objectiveHealth('weakest', 64.4, [c('Payments', 'off_track'), c('Speed', 'on_track')])).toEqual({
      status: 'off_track',
      reason: 'weakest rule 64 %: Payments off track',
    });
  });

  it('explains a low weighted figure on an objective whose children are all on track', () => {
    expect(objectiveHealth('weighted_average', 72, [c('a', 'on_track')]).reason).toBe(
      'weighted 72 %: every KPI on track against its own thresholds',
    );
    expect(objectiveHealth('weighted_average', 95, [c('a', 'on_track')]).reason).toBeNull();
  });

  it('shortens a long list of troubled children', () => {
    const r = objectiveHealth(
      'weighted_average',
      null,
      ['a', 'b', 'c', 'd', 'e'].map((n) => c(n, 'at_risk')),
    );
    expect(r.reason).toBe('weighted: a, b, c and 2 more at risk');
  });
});
