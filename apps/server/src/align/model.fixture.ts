/** Builders for test models: real schema parses, so defaults match production. */
import {
  GoalSchema,
  KpiSchema,
  ObjectiveSchema,
  type Goal,
  type KpiDefinition,
  type KpiInput,
  type KpiState,
  type KpiStatusName,
  type Objective,
} from '@northstar/shared';
import { kpiStateOf } from '@northstar/shared/kpi-state.fixture';

export function objective(id: string, extra: Partial<Objective> = {}): Objective {
  return ObjectiveSchema.parse({ id, name: `Objective ${id}`, ...extra });
}

/** A KPI on metric "m" (sum over 1h) with target, unit and owner set, so only what a test changes is missing. */
export function kpi(id: string, extra: Partial<KpiInput> = {}): KpiDefinition {
  return KpiSchema.parse({
    id,
    name: `KPI ${id}`,
    metric: 'm',
    aggregation: 'sum',
    window: '1h',
    target: 100,
    unit: 'n',
    owner: 'ann',
    ...extra,
  });
}

/** A KPI without the defaults kpi() fills in: for lint tests on missing fields. */
export function bareKpi(id: string, extra: Partial<KpiInput> = {}): KpiDefinition {
  return KpiSchema.parse({ id, name: `KPI ${id}`, metric: 'm', aggregation: 'sum', window: '1h', ...extra });
}

export function kpiState(id: string, attainment: number | null, status: KpiStatusName, extra: Partial<KpiState> = {}): KpiState {
  return kpiStateOf(id, { value: attainment, attainment, status, ...extra });
}

export function goal(id: string, kpiId: string, extra: Partial<Goal> = {}): Goal {
  return GoalSchema.parse({ id, name: `Goal ${id}`, owner: 'bo', kpi: kpiId, ...extra });
}
