import { describe, expect, it } from 'vitest';
import { historyPaths } from './paths.ts';

describe('historyPaths', () => {
  it('leaves the end of a preset to the server and lets it choose the step', () => {
    const p = historyPaths('a b', { from: 1000.7, to: 9000, fixedEnd: false });
    expect(p.kpi).toBe('/api/v1/kpis/a%20b');
    expect(p.series).toBe('/api/v1/kpis/a%20b/series?from=1000');
    expect(p.annotations).toBe('/api/v1/annotations?kpi=a%20b&from=1000');
    expect(p.checkins).toBe('/api/v1/checkins?kind=kpi&id=a%20b&from=1000');
    expect(p.alerts).toBe('/api/v1/alerts/history?kpi=a%20b&from=1000&to=69000');
    expect(p.breakdown('region')).toBe('/api/v1/kpis/a%20b/breakdown?dim=region&from=1000&top=5');
    expect(p.export('csv')).toBe('/api/v1/kpis/a%20b/export?format=csv&from=1000');
    for (const path of [p.series, p.export('json'), p.breakdown('x')]) expect(path).not.toContain('step=');
  });

  it('sends both ends of a custom range and the comparisons', () => {
    const p = historyPaths('orders', { from: 1000, to: 9000, fixedEnd: true }, ['previous', 'last_year']);
    expect(p.series).toBe('/api/v1/kpis/orders/series?from=1000&to=9000&compare=previous,last_year');
    expect(p.alerts).toBe('/api/v1/alerts/history?kpi=orders&from=1000&to=9000');
    expect(p.export('json')).toBe('/api/v1/kpis/orders/export?format=json&from=1000&to=9000');
    expect(p.breakdown('a.b')).toBe('/api/v1/kpis/orders/breakdown?dim=a.b&from=1000&to=9000&top=5');
  });
});
