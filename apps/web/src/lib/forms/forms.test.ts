import type { KpiDefinition, Objective } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import type { TargetSuggestion } from '../api/types.ts';
import { mapFieldErrors } from './fieldErrors.ts';
import { KPI_FIELD_ALIASES, formToKpi, kpiFieldNames, kpiToForm, parseFilter } from './kpiForm.ts';
import { formToObjective, objectiveToForm } from './objectiveForm.ts';
import { applySuggestion, nextQuarter } from './suggestion.ts';
import { formToCheckin } from './checkinForm.ts';

describe('objective form', () => {
  it('round-trips a definition and leaves empty fields out', () => {
    const def = {
      id: 'grow',
      name: 'Grow',
      level: 'team',
      rollup: 'weakest',
      owner: 'ana',
      period: '2026-Q4',
      parent: 'org',
      review: 'monthly',
    } as const;
    expect(formToObjective(objectiveToForm(def))).toEqual({ definition: def, problems: [] });
    const fresh = formToObjective({ ...objectiveToForm(), id: 'x', name: ' X ' });
    expect(fresh.definition).toEqual({ id: 'x', name: 'X', level: 'organisation', rollup: 'weighted_average' });
  });

  it('edits the digest settings and round-trips them, checking cadence and names', () => {
    const def: Objective = {
      id: 'grow',
      name: 'Grow',
      level: 'team',
      rollup: 'weakest',
      digest: { enabled: false, cadence: 'monthly', subscribers: ['sam'] },
    };
    const edited = formToObjective({ ...objectiveToForm(def), name: 'Grow more' });
    expect(edited.definition).toEqual({ ...def, name: 'Grow more' });
    expect(objectiveToForm(def)).toMatchObject({ digestEnabled: false, digestCadence: 'monthly', digestSubscribers: 'sam' });
    const set = formToObjective({ ...objectiveToForm(def), digestEnabled: true, digestCadence: '', digestSubscribers: ' sam, lee ,' });
    expect(set.definition.digest).toEqual({ enabled: true, subscribers: ['sam', 'lee'] });
    // back to the defaults: no digest field at all
    expect(
      formToObjective({ ...objectiveToForm(def), digestEnabled: true, digestCadence: '', digestSubscribers: '' }).definition.digest,
    ).toBeUndefined();
    const bad = formToObjective({ ...objectiveToForm(def), digestCadence: 'daily', digestSubscribers: 'x'.repeat(201) });
    expect(bad.problems.map((p) => p.field)).toEqual(['digest.cadence', 'digest.subscribers']);
  });

  it('pre-fills a new objective from the route', () => {
    expect(objectiveToForm({}, { parent: 'org', level: 'team' })).toMatchObject({ parent: 'org', level: 'team' });
  });

  it('catches obvious mistakes', () => {
    const { problems } = formToObjective({ ...objectiveToForm(), id: 'Bad Id', name: '', period: 'Q4', parent: 'Bad Id' });
    expect(problems.map((p) => p.field)).toEqual(['id', 'name', 'period', 'parent', 'parent']);
  });
});

const RATIO_KPI: KpiDefinition = {
  id: 'conversion',
  name: 'Conversion',
  unit: '%',
  owner: 'ana',
  tags: ['web'],
  staleAfter: '10m',
  objectives: [
    { id: 'grow', weight: 2 },
    { id: 'retain', weight: 1 },
  ],
  ratio: {
    numerator: { metric: 'checkout.orders', aggregation: 'count', filter: { region: 'eu' } },
    denominator: { metric: 'web.sessions', aggregation: 'distinct_count', distinctBy: 'session' },
    scale: 100,
  },
  window: 'month_to_date',
  timezone: 'Europe/Berlin',
  direction: 'within_range',
  low: 2,
  high: 4,
  warning: '90%',
  critical: 1.5,
  targets: [
    { period: '2026-Q4', low: 2.5, high: 4, pacing: 'none' },
    { period: '2027-Q1', value: 3, monthly: { '2027-01': 2.8 }, pacing: 'linear' },
  ],
  review: 'weekly',
};

describe('KPI form', () => {
  it('round-trips a ratio KPI with links, calendar window, targets and unshown fields', () => {
    const { definition, problems } = formToKpi(kpiToForm(RATIO_KPI));
    expect(problems).toEqual([]);
    expect(definition).toEqual(RATIO_KPI);
  });

  it('round-trips a simple KPI and writes one default-weight link the short way', () => {
    const def: KpiDefinition = {
      id: 'orders',
      name: 'Orders',
      objective: 'grow',
      metric: 'checkout.orders',
      aggregation: 'sum',
      filter: { region: 'eu', channel: 'web' },
      window: '1h',
      timezone: 'UTC',
      direction: 'higher_is_better',
      target: 120_000,
    };
    expect(formToKpi(kpiToForm(def))).toEqual({ definition: def, problems: [] });
    const viaList = formToKpi(kpiToForm({ ...def, objective: undefined, objectives: [{ id: 'grow', weight: 1 }] })).definition;
    expect(viaList.objective).toBe('grow');
    expect(viaList.objectives).toBeUndefined();
  });

  it('leaves the objective out when no link is chosen and pre-fills one from the route', () => {
    const values = { ...kpiToForm(), id: 'k', name: 'K', simple: { metric: 'm', aggregation: 'sum' as const, filter: '', distinctBy: '' } };
    expect(formToKpi(values).definition).not.toHaveProperty('objective');
    expect(kpiToForm({}, { objective: 'grow' }).links).toEqual([{ id: 'grow', weight: '1' }]);
  });

  it('catches obvious mistakes, each at its field', () => {
    const values = {
      ...kpiToForm(),
      id: '',
      name: '',
      rollingWindow: '5 minutes',
      target: 'lots',
      warning: 'most',
      direction: 'within_range' as const,
      simple: { metric: 'Bad Metric', aggregation: 'distinct_count' as const, filter: 'region', distinctBy: '' },
      targets: [
        { period: '2026-Q4', value: '', low: '', high: '', pacing: 'none' as const },
        { period: '2026-Q4', value: '5', low: '', high: '', pacing: 'none' as const },
      ],
      links: [
        { id: 'grow', weight: '0' },
        { id: 'grow', weight: '1' },
      ],
    };
    const fields = formToKpi(values).problems.map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'id',
        'name',
        'metric',
        'filter',
        'distinctBy',
        'window',
        'target',
        'warning',
        'low',
        'targets[0].value',
        'targets[1].period',
        'objectives[0].weight',
        'objectives[1].id',
      ]),
    );
  });

  it('refuses a negative target or threshold for a count, at its field, and keeps them for a sum', () => {
    const count = { ...kpiToForm(), id: 'c', name: 'C', rollingWindow: '1h', target: '10', warning: '-5', critical: '-1' };
    const counted = formToKpi({ ...count, simple: { metric: 'm.c', aggregation: 'count' as const, filter: '', distinctBy: '' } });
    expect(counted.problems).toEqual(
      expect.arrayContaining([
        { field: 'warning', message: 'must be 0 or more: a count is never negative' },
        { field: 'critical', message: 'must be 0 or more: a count is never negative' },
      ]),
    );
    const summed = formToKpi({ ...count, simple: { metric: 'm.c', aggregation: 'sum' as const, filter: '', distinctBy: '' } });
    expect(summed.problems.filter((p) => p.field === 'warning' || p.field === 'critical')).toEqual([]);
  });

  it('places server details on the inputs the form shows', () => {
    const values = kpiToForm(RATIO_KPI);
    const errors = mapFieldErrors(
      [
        { field: 'ratio.denominator.distinctBy', message: 'is required' },
        { field: 'targets[1].value', message: 'must be a finite number' },
        { field: 'objectives[0].id', message: 'no objective "grow"' },
        { field: 'objectives[1].weight', message: 'must be more than 0' },
      ],
      kpiFieldNames(values),
      KPI_FIELD_ALIASES,
    );
    expect(Object.keys(errors.byField).sort()).toEqual([
      'objective',
      'objectives[1].weight',
      'ratio.denominator.distinctBy',
      'targets[1].value',
    ]);
  });
});

describe('parseFilter', () => {
  it('reads dimension=value lines', () => {
    expect(parseFilter('region = eu\n\nchannel=web=x\n')).toEqual({ filter: { region: 'eu', channel: 'web=x' }, problems: [] });
    expect(parseFilter('')).toEqual({ filter: undefined, problems: [] });
    expect(parseFilter('eu').problems).toHaveLength(1);
  });
});

describe('target suggestion', () => {
  const suggestion: TargetSuggestion = {
    maintain: 100,
    stretch: 120,
    low: 1,
    high: 5,
    stretchLow: 2,
    stretchHigh: 4,
    confidence: 'high',
    basis: { from: 0, to: 1, periods: 4, points: 400, method: 'median' },
    explanation: 'four quarters',
  };

  it('suggests for the next quarter', () => {
    expect(nextQuarter(Date.UTC(2026, 10, 25))).toBe('2027-Q1');
    expect(nextQuarter(Date.UTC(2026, 0, 1))).toBe('2026-Q2');
  });

  it('adds or replaces the period target with the chosen value', () => {
    const added = applySuggestion(kpiToForm(), '2027-Q1', suggestion, 'stretch');
    expect(added.targets).toEqual([{ period: '2027-Q1', value: '120', low: '', high: '', pacing: 'none' }]);
    const replaced = applySuggestion(added, '2027-Q1', suggestion, 'maintain');
    expect(replaced.targets).toEqual([{ period: '2027-Q1', value: '100', low: '', high: '', pacing: 'none' }]);
  });

  it('sets a band for within_range and does nothing without a suggestion', () => {
    const ranged = applySuggestion({ ...kpiToForm(), direction: 'within_range' }, '2027-Q1', suggestion, 'stretch');
    expect(ranged.targets[0]).toMatchObject({ low: '2', high: '4', value: '' });
    const values = kpiToForm();
    expect(applySuggestion(values, '2027-Q1', { ...suggestion, maintain: null }, 'maintain')).toBe(values);
  });
});

describe('check-in form', () => {
  it('sends confidence, narrative and a goal value', () => {
    expect(formToCheckin('goal', 'g1', 'high', ' shipped ', '12')).toEqual({
      body: { subject: { kind: 'goal', id: 'g1' }, confidence: 'high', narrative: 'shipped', value: 12 },
      problems: [],
    });
    expect(formToCheckin('kpi', 'k', 'low', 'x', '12').body).not.toHaveProperty('value');
    expect(formToCheckin('goal', 'g1', '', '', 'many').problems.map((p) => p.field)).toEqual(['confidence', 'narrative', 'value']);
  });
});
