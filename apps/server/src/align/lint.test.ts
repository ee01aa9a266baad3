import type { KpiInput } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_KPIS_PER_OBJECTIVE, LINT_RULES, hasTarget, lintModel, measureKey, type LintFinding, type LintModel } from './lint.ts';
import { bareKpi, goal, kpi, objective } from './model.fixture.ts';

/** A model with nothing to say about: every rule's "does not trigger" starts here. */
const clean = (): LintModel => ({
  objectives: [objective('org', { owner: 'cara' }), objective('team', { level: 'team', parent: 'org' })],
  kpis: [kpi('a', { objective: 'team' }), kpi('b', { objective: 'org' })],
  goals: [goal('g', 'a')],
});

const rules = (findings: LintFinding[]) => findings.map((f) => `${f.rule} ${f.subject.kind}:${f.subject.id}`);
const only = (model: LintModel, rule: string, options = {}) => lintModel(model, options).filter((f) => f.rule === rule);
const many = (n: number, objectiveId: string, prefix = 'k') =>
  Array.from({ length: n }, (_, i) => kpi(`${prefix}${i}`, { objective: objectiveId }));

describe('LINT_RULES', () => {
  it('lists each rule once with a description, and every finding names a listed rule', () => {
    const ids = LINT_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of LINT_RULES) expect(r.description.length).toBeGreaterThan(10);
    expect(ids).toEqual(
      expect.arrayContaining([
        'too-many-kpis',
        'objective-without-kpis',
        'orphan-kpi',
        'kpi-missing-target',
        'kpi-missing-unit',
        'kpi-missing-owner',
        'conflicting-directions',
        'unknown-reference',
        'parent-cycle',
      ]),
    );
  });
});

describe('lintModel on a clean model', () => {
  it('finds nothing', () => expect(lintModel(clean())).toEqual([]));
});

describe('too-many-kpis', () => {
  it(`flags more than ${DEFAULT_MAX_KPIS_PER_OBJECTIVE} KPIs on one objective, not exactly that many`, () => {
    const at = { ...clean(), kpis: [...many(DEFAULT_MAX_KPIS_PER_OBJECTIVE, 'team'), kpi('b', { objective: 'org' })] };
    expect(only(at, 'too-many-kpis')).toEqual([]);
    const over = { ...clean(), kpis: [...many(DEFAULT_MAX_KPIS_PER_OBJECTIVE + 1, 'team'), kpi('b', { objective: 'org' })] };
    const f = only(over, 'too-many-kpis');
    expect(rules(f)).toEqual(['too-many-kpis objective:team']);
    expect(f[0]).toMatchObject({ severity: 'warning', message: expect.stringContaining('8 KPIs') });
    expect(f[0]?.fix.patch).toBeUndefined();
  });

  it('counts secondary links on an objective too', () => {
    const m = {
      ...clean(),
      kpis: [
        ...many(3, 'team'),
        ...Array.from({ length: 3 }, (_, i) =>
          kpi(`s${i}`, {
            objectives: [
              { id: 'team', weight: 1 },
              { id: 'org', weight: 1 },
            ],
          }),
        ),
      ],
    };
    expect(only(m, 'too-many-kpis', { maxKpisPerObjective: 5 }).map((f) => f.subject.id)).toEqual(['team']);
    expect(only(m, 'too-many-kpis', { maxKpisPerObjective: 6 })).toEqual([]);
  });

  it('flags the organisation level by default, on its busiest objective', () => {
    const m = {
      objectives: [objective('o1'), objective('o2'), objective('o3'), objective('t', { level: 'team', parent: 'o1' })],
      kpis: [...many(4, 'o1', 'x'), ...many(3, 'o2', 'y'), kpi('z', { objective: 'o3' }), ...many(7, 't', 'w')],
      goals: [],
    };
    const f = only(m, 'too-many-kpis');
    expect(rules(f)).toEqual(['too-many-kpis objective:o1']);
    expect(f[0]?.message).toBe('The organisation level shows 8 KPIs; the limit is 7.');
    // the default follows maxKpisPerObjective
    expect(only(m, 'too-many-kpis', { maxKpisPerObjective: 8 })).toEqual([]);
  });

  it("counts a KPI on its primary objective's level only", () => {
    const m = {
      objectives: [objective('o1'), objective('t', { level: 'team', parent: 'o1' })],
      kpis: many(8, 't').map((k) => ({
        ...k,
        objectives: [
          { id: 't', weight: 1 },
          { id: 'o1', weight: 1 },
        ],
        objective: undefined,
      })),
      goals: [],
    };
    // 8 KPIs on o1 directly trips the per-objective rule, but their primary level is team, which has no default cap
    expect(rules(only(m, 'too-many-kpis'))).toEqual(['too-many-kpis objective:o1', 'too-many-kpis objective:t']);
    expect(only(m, 'too-many-kpis', { maxKpisPerObjective: 8 })).toEqual([]);
  });

  it('takes a number per level or a record of levels', () => {
    const m = {
      objectives: [objective('t1', { level: 'team' }), objective('t2', { level: 'team' })],
      kpis: [...many(3, 't1', 'a'), ...many(3, 't2', 'b')],
      goals: [],
    };
    expect(only(m, 'too-many-kpis')).toEqual([]);
    expect(only(m, 'too-many-kpis', { maxKpisPerLevel: 5 })[0]?.message).toBe('The team level shows 6 KPIs; the limit is 5.');
    expect(only(m, 'too-many-kpis', { maxKpisPerLevel: 6 })).toEqual([]);
    expect(only(m, 'too-many-kpis', { maxKpisPerLevel: { team: 5 } }).map((f) => f.subject.id)).toEqual(['t1']);
    expect(only(m, 'too-many-kpis', { maxKpisPerLevel: { organisation: 1 } })).toEqual([]);
  });
});

describe('objective-without-kpis', () => {
  it('flags an objective with no KPI at or below it', () => {
    const m = { ...clean(), objectives: [...clean().objectives, objective('empty'), objective('empty-child', { parent: 'empty' })] };
    expect(rules(only(m, 'objective-without-kpis'))).toEqual([
      'objective-without-kpis objective:empty',
      'objective-without-kpis objective:empty-child',
    ]);
  });
  it('does not flag a parent whose KPIs sit on a child objective', () => {
    const m = { ...clean(), kpis: [kpi('a', { objective: 'team' })] };
    expect(only(m, 'objective-without-kpis')).toEqual([]);
  });
});

describe('orphan-kpi', () => {
  it('flags a KPI linked to no objective as a vanity candidate', () => {
    const m = { ...clean(), kpis: [...clean().kpis, kpi('vain')] };
    const f = only(m, 'orphan-kpi');
    expect(rules(f)).toEqual(['orphan-kpi kpi:vain']);
    expect(f[0]?.message).toContain('vanity');
    expect(f[0]?.fix).toEqual({ text: 'Link "KPI vain" to the objective it serves, or retire it.' });
  });
  it('does not flag a KPI linked through `objectives`', () => {
    const m = { ...clean(), kpis: [...clean().kpis, kpi('c', { objectives: [{ id: 'org', weight: 2 }] })] };
    expect(only(m, 'orphan-kpi')).toEqual([]);
  });
});

describe('kpi-missing-target', () => {
  const cases: [string, boolean, Partial<KpiInput>][] = [
    ['no target', true, {}],
    ['a target', false, { target: 10 }],
    ['a target of 0', false, { target: 0 }],
    ['a period target value', false, { targets: [{ period: '2026-Q4', value: 5 }] }],
    ['monthly phasing only', false, { targets: [{ period: '2026-Q4', monthly: { '2026-10': 1 } }] }],
    ['a period target without value', true, { targets: [{ period: '2026-Q4' }] }],
    ['within_range with low and high', false, { direction: 'within_range', low: 1, high: 2 }],
    ['within_range with a period band', false, { direction: 'within_range', targets: [{ period: '2026', low: 1, high: 2 }] }],
  ];
  it.each(cases)('%s → flagged: %s', (_what, flagged, extra) => {
    const m = { ...clean(), kpis: [...clean().kpis, bareKpi('t', { objective: 'org', unit: 'n', owner: 'ann', ...extra })] };
    expect(rules(only(m, 'kpi-missing-target'))).toEqual(flagged ? ['kpi-missing-target kpi:t'] : []);
  });
  it('hasTarget: within_range with only a target is missing its band', () => {
    // the schema rejects this; lint must still say so for a draft that skipped it
    const draft = { ...bareKpi('t', { target: 5 }), direction: 'within_range' as const };
    expect(hasTarget(draft)).toBe(false);
  });
});

describe('kpi-missing-owner', () => {
  it("suggests the primary objective's owner as a patch", () => {
    const m = { ...clean(), kpis: [kpi('a', { objective: 'org', owner: undefined })] };
    const [f] = only(m, 'kpi-missing-owner');
    expect(f).toMatchObject({ severity: 'warning', subject: { kind: 'kpi', id: 'a' }, fix: { patch: { owner: 'cara' } } });
    expect(f?.fix.text).toContain('cara');
  });
  it('has no patch when the objective has no owner', () => {
    const m = { ...clean(), kpis: [kpi('a', { objective: 'team', owner: '  ' })] };
    expect(only(m, 'kpi-missing-owner')[0]?.fix).toEqual({ text: 'Name the person accountable for "KPI a".' });
  });
  it('does not flag a KPI with an owner', () => expect(only(clean(), 'kpi-missing-owner')).toEqual([]));
});

describe('kpi-missing-unit', () => {
  it('flags a KPI without a unit, with no patch', () => {
    const m = { ...clean(), kpis: [kpi('a', { objective: 'team', unit: undefined }), kpi('b', { objective: 'org' })] };
    const f = only(m, 'kpi-missing-unit');
    expect(f).toEqual([expect.objectContaining({ severity: 'info', subject: { kind: 'kpi', id: 'a' } })]);
    expect(f[0]?.fix.patch).toBeUndefined();
  });
  it('patches "%" onto a ratio × 100', () => {
    const ratio = {
      numerator: { metric: 'orders', aggregation: 'count' },
      denominator: { metric: 'sessions', aggregation: 'count' },
      scale: 100,
    } as const;
    const m = {
      ...clean(),
      kpis: [
        kpi('conv', { objective: 'team', unit: undefined, metric: undefined, aggregation: undefined, ratio }),
        kpi('b', { objective: 'org' }),
      ],
    };
    expect(only(m, 'kpi-missing-unit')[0]?.fix.patch).toEqual({ unit: '%' });
  });
  it('does not flag a KPI with a unit', () => expect(only(clean(), 'kpi-missing-unit')).toEqual([]));
});

describe('conflicting-directions', () => {
  const base = (a: object, b: object, objectives = clean().objectives) => ({
    objectives,
    kpis: [kpi('up', { objective: 'org', ...a }), kpi('down', { objective: 'team', direction: 'lower_is_better', ...b })],
    goals: [],
  });

  it('flags one measure pulled up by one objective and down by another', () => {
    const f = only(base({}, {}), 'conflicting-directions');
    expect(rules(f)).toEqual(['conflicting-directions kpi:down']);
    expect(f[0]?.message).toContain('"KPI down" and "KPI up"');
    expect(f[0]?.message).toContain('down for "team", up for "org"');
  });

  it.each([
    ['different metrics', {}, { metric: 'other' }],
    ['different aggregations', {}, { aggregation: 'avg' }],
    ['different filters', { filter: { region: 'eu' } }, { filter: { region: 'us' } }],
    ['a filter on one only', { filter: { region: 'eu' } }, {}],
    [
      'different distinct dimensions',
      { aggregation: 'distinct_count', distinctBy: 'user' },
      { aggregation: 'distinct_count', distinctBy: 'session' },
    ],
    ['the same direction', {}, { direction: 'higher_is_better' }],
    ['a within_range guardrail', {}, { direction: 'within_range', low: 1, high: 2 }],
    ['the same single objective', {}, { objective: 'org' }],
    ['one KPI linked nowhere', {}, { objective: undefined }],
  ])('does not flag %s', (_what, a, b) => {
    expect(only(base(a, b), 'conflicting-directions')).toEqual([]);
  });

  it.each([
    ['the same filter in another key order', { filter: { a: '1', b: '2' } }, { filter: { b: '2', a: '1' } }],
    ['different windows', { window: '1h' }, { window: '7d' }],
    [
      'one shared and one other objective',
      { objectives: [{ id: 'org', weight: 1 }] },
      {
        objectives: [
          { id: 'org', weight: 1 },
          { id: 'team', weight: 1 },
        ],
      },
    ],
  ])('flags %s', (_what, a, b) => {
    expect(only(base(a, b), 'conflicting-directions')).toHaveLength(1);
  });

  it('compares ratios whole, ignoring scale', () => {
    const n = { metric: 'orders', aggregation: 'count' } as const;
    const d = { metric: 'sessions', aggregation: 'count' } as const;
    const r = (num: object, den: object, scale = 1) => ({
      metric: undefined,
      aggregation: undefined,
      ratio: { numerator: num, denominator: den, scale },
    });
    expect(only(base(r(n, d, 100), r(n, d, 1)), 'conflicting-directions')).toHaveLength(1);
    expect(only(base(r(n, d), r(n, { ...d, metric: 'visits' })), 'conflicting-directions')).toEqual([]);
    expect(only(base(r(n, d), r(d, n)), 'conflicting-directions')).toEqual([]);
    // a ratio is not the plain measure of its numerator
    expect(only(base({ metric: 'orders', aggregation: 'count' }, r(n, d)), 'conflicting-directions')).toEqual([]);
  });

  it('measureKey separates a ratio from a measure', () => {
    expect(measureKey(kpi('a'))).not.toBe(
      measureKey(
        kpi('b', {
          metric: undefined,
          aggregation: undefined,
          ratio: { numerator: { metric: 'm', aggregation: 'sum' }, denominator: { metric: 'm', aggregation: 'sum' } },
        }),
      ),
    );
    expect(measureKey(kpi('a', { window: '5m' }))).toBe(measureKey(kpi('b', { window: '7d' })));
  });
});

describe('unknown-reference', () => {
  it('flags a KPI linked to an unknown objective, once per unknown id, without a patch', () => {
    const m = {
      ...clean(),
      kpis: [
        ...clean().kpis,
        kpi('c', {
          objectives: [
            { id: 'org', weight: 1 },
            { id: 'ghost', weight: 1 },
            { id: 'ghost', weight: 2 },
          ],
        }),
      ],
    };
    const f = only(m, 'unknown-reference');
    expect(f).toEqual([
      {
        rule: 'unknown-reference',
        severity: 'error',
        subject: { kind: 'kpi', id: 'c' },
        message: '"KPI c" is linked to objective "ghost", which does not exist.',
        fix: { text: 'Link "KPI c" to an existing objective, or create objective "ghost".' },
      },
    ]);
  });
  it('flags a goal under an unknown KPI', () => {
    const m = { ...clean(), goals: [goal('g', 'nope')] };
    expect(rules(only(m, 'unknown-reference'))).toEqual(['unknown-reference goal:g']);
  });
  it('flags an objective with an unknown parent', () => {
    const m = {
      ...clean(),
      objectives: [...clean().objectives, objective('lost', { parent: 'nowhere' })],
      kpis: [...clean().kpis, kpi('l', { objective: 'lost' })],
    };
    const f = only(m, 'unknown-reference');
    expect(rules(f)).toEqual(['unknown-reference objective:lost']);
    expect(f[0]?.severity).toBe('error');
  });
  it('does not flag known references', () => expect(only(clean(), 'unknown-reference')).toEqual([]));
});

describe('parent-cycle', () => {
  it('flags a loop once, as an error, on the edge roll-ups ignore', () => {
    const m = {
      objectives: [objective('a', { parent: 'b' }), objective('b', { parent: 'a' })],
      kpis: [kpi('k', { objective: 'a' })],
      goals: [],
    };
    const f = only(m, 'parent-cycle');
    expect(f).toEqual([expect.objectContaining({ severity: 'error', subject: { kind: 'objective', id: 'b' } })]);
    expect(f[0]?.message).toContain('b → a → b');
  });
  it('flags an objective that is its own parent', () => {
    const m = { objectives: [objective('self', { parent: 'self' })], kpis: [kpi('k', { objective: 'self' })], goals: [] };
    expect(rules(only(m, 'parent-cycle'))).toEqual(['parent-cycle objective:self']);
  });
  it('does not flag a deep chain without a loop', () => {
    const m = {
      objectives: [objective('a'), objective('b', { parent: 'a' }), objective('c', { parent: 'b' })],
      kpis: [kpi('k', { objective: 'c' })],
      goals: [],
    };
    expect(only(m, 'parent-cycle')).toEqual([]);
  });
});

describe('ordering and fixes', () => {
  const messy = (): LintModel => ({
    objectives: [objective('z-empty'), objective('a-loop', { parent: 'a-loop' }), objective('org')],
    kpis: [bareKpi('zz', { objective: 'org' }), bareKpi('aa'), kpi('mm', { objective: 'ghost' })],
    goals: [goal('g', 'missing')],
  });

  it('sorts by severity, then rule, then subject id', () => {
    expect(rules(lintModel(messy()))).toEqual([
      'parent-cycle objective:a-loop',
      'unknown-reference goal:g',
      'unknown-reference kpi:mm',
      'kpi-missing-owner kpi:aa',
      'kpi-missing-owner kpi:zz',
      'kpi-missing-target kpi:aa',
      'kpi-missing-target kpi:zz',
      'objective-without-kpis objective:a-loop',
      'objective-without-kpis objective:z-empty',
      'orphan-kpi kpi:aa',
      'kpi-missing-unit kpi:aa',
      'kpi-missing-unit kpi:zz',
    ]);
  });

  it('does not depend on input order', () => {
    const m = messy();
    const reversed = { objectives: [...m.objectives].reverse(), kpis: [...m.kpis].reverse(), goals: [...m.goals].reverse() };
    expect(lintModel(reversed)).toEqual(lintModel(m));
  });

  it('gives every finding a one-line fix whose patch, if any, only sets fields', () => {
    for (const f of lintModel(messy())) {
      expect(f.fix.text).not.toContain('\n');
      expect(f.fix.text.length).toBeGreaterThan(10);
      if (f.fix.patch) for (const v of Object.values(f.fix.patch)) expect(v).not.toBeUndefined();
    }
  });
});

describe('KPI budget per level', () => {
  const m = {
    objectives: [
      objective('org'),
      objective('dept', { level: 'department', parent: 'org' }),
      objective('t', { level: 'team', parent: 'dept' }),
    ],
    kpis: [...many(3, 'org', 'o'), ...many(4, 'dept', 'd'), ...many(9, 't', 'x')],
    goals: [],
  };
  const flagged = (budget: Parameters<typeof lintModel>[1]) => only(m, 'too-many-kpis', budget).map((f) => f.subject.id);

  it('holds each objective to the budget of its level, 7 by default', () => {
    expect(flagged({})).toEqual(['t']);
    const f = only(m, 'too-many-kpis');
    expect(f[0]?.message).toBe('"Objective t" has 9 KPIs linked directly; the team budget is 7.');
  });
  it('takes a budget per level from the model', () => {
    expect(flagged({ kpiBudget: { team: 9 } })).toEqual([]);
    expect(flagged({ kpiBudget: { team: 9, department: 3 } })).toEqual(['dept']);
    expect(only(m, 'too-many-kpis', { kpiBudget: { department: 3, team: 9 } })[0]?.message).toBe(
      '"Objective dept" has 4 KPIs linked directly; the department budget is 3.',
    );
  });
  it('holds the organisation level as a whole to its budget', () => {
    expect(flagged({ kpiBudget: { organisation: 2, team: 9 } })).toEqual(['org', 'org']);
    expect(only(m, 'too-many-kpis', { kpiBudget: { organisation: 2, team: 9 } }).map((f) => f.message)).toContain(
      'The organisation level shows 3 KPIs; the limit is 2.',
    );
  });
});
