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
  it('parses a valid model and resolves defaults', () => {
    const m = parseKpiConfig(GOOD, 'northstar.yaml');
    expect(m.kpis[0]).toMatchObject({
      id: 'orders',
      windowMs: 3_600_000,
      direction: 'higher_is_better',
      unit: '',
      warningValue: 90,
      criticalValue: 75,
    });
  });

  it('names file, line and field of a bad value', () => {
    expect(errorOf(GOOD.replace('window: 1h', 'window: 1 hour'))).toMatch(
      /^northstar\.yaml:10: kpis\[0\]\.window: must be a rolling window/,
    );
    expect(errorOf(GOOD.replace('aggregation: count', 'aggregation: median'))).toMatch(/^northstar\.yaml:9: kpis\[0\]\.aggregation:/);
  });

  it('names an unknown field and a missing one', () => {
    expect(errorOf(GOOD.replace('    target: 100', '    targte: 100'))).toMatch(/northstar\.yaml:\d+: kpis\[0\]: .*targte/);
    expect(errorOf(GOOD.replace('    target: 100\n', ''))).toMatch(/kpis\[0\]\.target/);
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
