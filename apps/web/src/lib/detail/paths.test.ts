import { describe, expect, it } from 'vitest';
import { exportPath, historyQueries } from './paths.ts';

describe('historyQueries', () => {
  it('leaves the end of a preset to the server and lets it choose the step', () => {
    const q = historyQueries({ from: 1000.7, to: 9000, fixedEnd: false });
    expect(q.span).toEqual({ from: '1000' });
    expect(q.series).toEqual({ from: '1000' });
    expect(q.alerts).toEqual({ from: '1000', to: '69000' });
    expect(q.breakdown('region')).toEqual({ dim: 'region', from: '1000', top: '5' });
    for (const query of [q.span, q.series, q.breakdown('x')]) expect(query).not.toHaveProperty('step');
  });

  it('sends both ends of a custom range and the comparisons', () => {
    const q = historyQueries({ from: 1000, to: 9000, fixedEnd: true }, ['previous', 'last_year']);
    expect(q.series).toEqual({ from: '1000', to: '9000', compare: 'previous,last_year' });
    expect(q.alerts).toEqual({ from: '1000', to: '9000' });
    expect(q.breakdown('a.b')).toEqual({ dim: 'a.b', from: '1000', to: '9000', top: '5' });
  });
});

describe('exportPath', () => {
  it('is a plain link to the range shown, with the id encoded', () => {
    expect(exportPath('a b', { from: 1000.7, to: 9000, fixedEnd: false }, 'csv')).toBe('/api/v1/kpis/a%20b/export?format=csv&from=1000');
    expect(exportPath('orders', { from: 1000, to: 9000, fixedEnd: true }, 'json')).toBe(
      '/api/v1/kpis/orders/export?format=json&from=1000&to=9000',
    );
  });
});
