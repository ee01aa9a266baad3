import type { Alert, KpiState } from '@northstar/shared';
import { kpiStateOf } from '@northstar/shared/kpi-state.fixture';

/** Fixtures for the alert tests: a KPI state and an alert, overridable field by field. */

export function kpiState(overrides: Partial<KpiState> = {}): KpiState {
  return kpiStateOf('revenue', {
    value: 100,
    target: 120,
    attainment: 83,
    status: 'at_risk',
    previous: 110,
    lastEventTs: 0,
    ...overrides,
  });
}

export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    key: 'low-revenue/revenue/total',
    rule: 'low-revenue',
    ruleName: 'Revenue below plan',
    kpi: 'revenue',
    kpiName: 'Revenue',
    series: 'total',
    severity: 'warning',
    state: 'alerting',
    reason: 'value 80 < 100',
    firingSince: 1_000,
    since: 1_000,
    value: 80,
    threshold: 100,
    path: [
      { kind: 'kpi', id: 'revenue', name: 'Revenue', owner: 'bob' },
      { kind: 'objective', id: 'grow-sales', name: 'Grow online sales', owner: 'alice' },
      { kind: 'objective', id: 'company', name: 'Company', owner: 'ceo' },
    ],
    flapping: false,
    acknowledged: null,
    silencedBy: null,
    feedback: null,
    ...overrides,
  };
}
