import { describe, expect, it } from 'vitest';
import { parseKpiConfig } from './kpi-file.ts';
import { ConfigError } from './errors.ts';

const GOOD = `objectives:
  - id: grow
    name: Grow
kpis:
  - id: orders
    name: Orders
    objective: grow
    metric: checkout.orders
    aggregation: count
    window: 1h
    target: 100
`;

function errorOf(text: string): string {
  try {
    parseKpiConfig(text, 'northstar.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseKpiConfig', () => {
  it('parses a valid model, fills defaults and fingerprints the text', () => {
    const m = parseKpiConfig(GOOD, 'northstar.yaml');
    expect(m.config.kpis[0]).toMatchObject({ id: 'orders', window: '1h', direction: 'higher_is_better', timezone: 'UTC' });
    expect(m.config.objectives[0]).toMatchObject({ id: 'grow', level: 'organisation', rollup: 'weighted_average' });
    expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(parseKpiConfig(GOOD + '\n', 'northstar.yaml').sha256).not.toBe(m.sha256);
  });

  it('names unknown parents and goal KPIs by line', () => {
    expect(errorOf(GOOD.replace('    name: Grow\n', '    name: Grow\n    parent: nowhere\n'))).toMatch(
      /northstar\.yaml:4: objectives\[0\]\.parent: no objective with id "nowhere"/,
    );
    expect(errorOf(GOOD + 'goals:\n  - id: g\n    name: G\n    owner: Al\n    kpi: nope\n')).toMatch(
      /northstar\.yaml:16: goals\[0\]\.kpi: no KPI with id "nope"/,
    );
  });

  it('names file, line and field of a bad value', () => {
    expect(errorOf(GOOD.replace('window: 1h', 'window: 1 hour'))).toMatch(
      /^northstar\.yaml:10: kpis\[0\]\.window: must be a rolling window/,
    );
    expect(errorOf(GOOD.replace('aggregation: count', 'aggregation: median'))).toMatch(/^northstar\.yaml:9: kpis\[0\]\.aggregation:/);
  });

  it('names an unknown field and a missing one', () => {
    expect(errorOf(GOOD.replace('    target: 100', '    targte: 100'))).toMatch(/northstar\.yaml:\d+: kpis\[0\]: .*targte/);
    expect(errorOf(GOOD.replace('    metric: checkout.orders\n', ''))).toMatch(/kpis\[0\]\.metric: is required \(or give a ratio\)/);
  });

  it('names YAML syntax errors by line', () => {
    expect(errorOf('objectives:\n  - id: a\n    name: [unclosed\n')).toMatch(/^northstar\.yaml:\d+: /);
  });

  it('catches references to unknown objectives and duplicate ids', () => {
    expect(errorOf(GOOD.replace('objective: grow', 'objective: shrink'))).toMatch(
      /northstar\.yaml:7: kpis\[0\]\.objective: no objective with id "shrink"/,
    );
    const dup = GOOD + GOOD.split('kpis:\n')[1];
    expect(errorOf(dup)).toMatch(/kpis\[1\]\.id: duplicate id "orders"/);
  });
});

describe('parseKpiConfig and __proto__', () => {
  it('refuses a __proto__ key by file and line instead of dropping it', () => {
    const text = `objectives:\n  - { id: o1, name: O, owner: X, period: 2026-Q4 }\nkpis:\n  - id: k1\n    name: K\n    objective: o1\n    metric: m\n    aggregation: count\n    window: 1h\n    target: 1\n    filter:\n      __proto__: x\n`;
    expect(() => parseKpiConfig(text, 'northstar.yaml')).toThrow('northstar.yaml:12: kpis[0].filter: "__proto__" is not allowed as a key');
  });
});
