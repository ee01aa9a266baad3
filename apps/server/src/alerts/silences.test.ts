import { describe, expect, it } from 'vitest';
import type { Silence } from '@northstar/shared';
import { activeSilence, alertLabels, isSilenced } from './silences.ts';
import { makeAlert } from './alerts.fixture.ts';

const labels = alertLabels(makeAlert());
const silence = (matchers: Silence['matchers'], startsAt = 0, endsAt = 1_000): Silence => ({
  id: `s-${matchers.map((m) => m.value).join('-')}`,
  matchers,
  startsAt,
  endsAt,
  comment: 'planned migration',
  createdBy: 'alice',
});

describe('alert labels', () => {
  it('reads objectives and owners up the path', () => {
    expect(labels).toEqual({
      rule: 'low-revenue',
      kpi: 'revenue',
      objective: ['grow-sales', 'company'],
      severity: 'warning',
      owner: ['bob', 'alice', 'ceo'],
    });
  });
});

describe('isSilenced', () => {
  it.each([
    ['rule', 'low-revenue', true],
    ['rule', 'other', false],
    ['kpi', 'revenue', true],
    ['objective', 'company', true],
    ['objective', 'grow-sales', true],
    ['objective', 'hiring', false],
    ['severity', 'warning', true],
    ['severity', 'critical', false],
    ['owner', 'alice', true],
    ['owner', 'mallory', false],
  ] as const)('a matcher %s = %s matches: %s', (field, value, expected) => {
    expect(isSilenced(labels, [silence([{ field, value }])], 500)).toBe(expected);
  });
  it('all matchers must match', () => {
    const both = silence([
      { field: 'kpi', value: 'revenue' },
      { field: 'severity', value: 'warning' },
    ]);
    const one = silence([
      { field: 'kpi', value: 'revenue' },
      { field: 'severity', value: 'critical' },
    ]);
    expect(isSilenced(labels, [both], 500)).toBe(true);
    expect(isSilenced(labels, [one], 500)).toBe(false);
  });
  it('is active from startsAt until (not at) endsAt', () => {
    const s = [silence([{ field: 'kpi', value: 'revenue' }], 100, 200)];
    expect(isSilenced(labels, s, 99)).toBe(false);
    expect(isSilenced(labels, s, 100)).toBe(true);
    expect(isSilenced(labels, s, 199)).toBe(true);
    expect(isSilenced(labels, s, 200)).toBe(false);
  });
  it('a silence without matchers silences nothing', () => {
    expect(isSilenced(labels, [silence([])], 500)).toBe(false);
  });
  it('names the silence that applies', () => {
    const s = [silence([{ field: 'kpi', value: 'other' }]), silence([{ field: 'owner', value: 'ceo' }])];
    expect(activeSilence(labels, s, 500)?.id).toBe('s-ceo');
  });
});
