import type { AlertRule } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { mapFieldErrors } from './fieldErrors.ts';
import { RULE_FIELDS, conditionText, formToRule, ruleScope, ruleToForm } from './ruleForm.ts';

const THRESHOLD: AlertRule = {
  id: 'spike',
  name: 'Error spike',
  kpis: ['errors', 'timeouts'],
  severity: 'critical',
  condition: { type: 'threshold', op: '>', value: 10 },
  for: '0s',
  keepFiringFor: '5m',
  enabled: true,
};

describe('rule form', () => {
  it('round-trips each condition type', () => {
    const rules: AlertRule[] = [
      THRESHOLD,
      { ...THRESHOLD, id: 's', kpis: undefined, objective: 'grow', condition: { type: 'status', in: ['at_risk', 'off_track'] } },
      { ...THRESHOLD, id: 'a', condition: { type: 'anomaly', score: 0.8, n: 2, m: 4 }, description: 'odd' },
      { ...THRESHOLD, id: 'n', condition: { type: 'no_data', for: '30m' }, enabled: false },
      { ...THRESHOLD, id: 'p', severity: 'info', condition: { type: 'pacing', by: 10 } },
    ];
    for (const rule of rules) {
      const { definition, problems } = formToRule(ruleToForm(rule));
      expect(problems).toEqual([]);
      expect(definition).toEqual(Object.fromEntries(Object.entries(rule).filter(([, v]) => v !== undefined)));
    }
  });

  it('keeps fields it does not show', () => {
    const rule = { ...THRESHOLD, future: { x: 1 } } as AlertRule;
    expect(formToRule(ruleToForm(rule)).definition).toMatchObject({ future: { x: 1 } });
  });

  it('starts a new rule from sensible defaults and the route preset', () => {
    const v = ruleToForm({}, { kpi: 'errors' });
    expect(v).toMatchObject({
      kpis: ['errors'],
      severity: 'warning',
      conditionType: 'threshold',
      for: '0s',
      enabled: true,
      n: '3',
      m: '5',
    });
    const { definition } = formToRule({ ...v, id: 'x', name: 'X', value: '5', kpis: ['errors', ' errors', ''] });
    expect(definition).toEqual({
      id: 'x',
      name: 'X',
      kpis: ['errors'],
      severity: 'warning',
      condition: { type: 'threshold', op: '>', value: 5 },
      for: '0s',
      keepFiringFor: '0s',
      enabled: true,
    });
  });

  it('names each obvious mistake by its input name', () => {
    const base = ruleToForm(THRESHOLD);
    expect(formToRule({ ...base, id: 'Bad Id', name: ' ', value: 'ten', for: '5 minutes' }).problems.map((p) => p.field)).toEqual([
      'id',
      'name',
      'condition.value',
      'for',
    ]);
    expect(formToRule({ ...base, value: '' }).problems.map((p) => p.field)).toEqual(['condition.value']);
    expect(formToRule({ ...base, conditionType: 'status', statusIn: [] }).problems.map((p) => p.field)).toEqual(['condition.in']);
    expect(formToRule({ ...base, conditionType: 'anomaly', score: '2', n: '6', m: '5' }).problems.map((p) => [p.field, p.message])).toEqual(
      [
        ['condition.score', 'must be from 0 to 1'],
        ['condition.n', 'must not be more than m'],
      ],
    );
    expect(formToRule({ ...base, conditionType: 'anomaly', n: '1.5' }).problems.map((p) => p.field)).toEqual(['condition.n']);
    expect(formToRule({ ...base, conditionType: 'no_data', noDataFor: 'soon' }).problems.map((p) => p.field)).toEqual(['condition.for']);
    expect(formToRule({ ...base, keepFiringFor: '' }).problems.map((p) => p.field)).toEqual(['keepFiringFor']);
  });

  it('places the server details next to the inputs', () => {
    const errors = mapFieldErrors(
      [
        { field: 'condition.value', message: 'must be a finite number' },
        { field: 'kpis[1]', message: 'bad id' },
        { field: 'condition', message: 'unknown type' },
        { field: 'whatever', message: 'x' },
      ],
      RULE_FIELDS,
    );
    expect(errors.byField).toEqual({
      'condition.value': ['must be a finite number'],
      kpis: ['[1]: bad id'],
      condition: ['unknown type'],
    });
    expect(errors.other).toEqual(['whatever: x']);
  });

  it('describes a rule in words for the list', () => {
    const names = new Map([
      ['errors', 'Errors'],
      ['grow', 'Grow'],
    ]);
    expect(ruleScope(THRESHOLD, names)).toBe('Errors, timeouts');
    expect(ruleScope({ objective: 'grow' }, names)).toBe('every KPI under Grow');
    expect(ruleScope({}, names)).toBe('every KPI');
    expect(conditionText(THRESHOLD.condition)).toBe('value > 10');
    expect(conditionText({ type: 'status', in: ['off_track', 'no_data'] })).toBe('status off track or no data');
    expect(conditionText({ type: 'anomaly', n: 3, m: 5 })).toBe('anomaly in 3 of 5 points');
  });
});
