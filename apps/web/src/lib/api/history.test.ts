import { afterEach, describe, expect, it, vi } from 'vitest';
import { historyQueries } from '../detail/paths.ts';
import { fetchAlertHistory, fetchBreakdown, fetchCheckins, fetchSeries } from './history.ts';

describe('history page requests over the typed client', () => {
  const sent: { url: URL; signal: AbortSignal | null | undefined }[] = [];
  afterEach(() => {
    vi.unstubAllGlobals();
    sent.length = 0;
  });
  const stub = () =>
    vi.stubGlobal(
      'fetch',
      vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
        sent.push({ url: new URL(String(input), 'http://wall.test'), signal: init?.signal });
        return Promise.resolve(new Response('[]', { status: 200 }));
      }),
    );

  it('puts the encoded id in the path and the view in the query, with the page’s abort signal', async () => {
    stub();
    const signal = new AbortController().signal;
    const q = historyQueries({ from: 1000, to: 9000, fixedEnd: true }, ['previous', 'last_year']);
    await fetchSeries('a b/c', q.series, signal);
    await fetchCheckins('a b/c', q.span, signal);
    await fetchAlertHistory('a b/c', q.alerts, signal);
    await fetchBreakdown('a b/c', q.breakdown('region'), signal);
    expect(sent[0]?.url.pathname).toBe('/api/v1/kpis/a%20b%2Fc/series');
    expect(Object.fromEntries(sent[0]!.url.searchParams)).toEqual({ from: '1000', to: '9000', compare: 'previous,last_year' });
    expect(Object.fromEntries(sent[1]!.url.searchParams)).toEqual({ kind: 'kpi', id: 'a b/c', from: '1000', to: '9000' });
    expect(Object.fromEntries(sent[2]!.url.searchParams)).toEqual({ kpi: 'a b/c', from: '1000', to: '9000' });
    expect(sent[3]?.url.pathname).toBe('/api/v1/kpis/a%20b%2Fc/breakdown');
    expect(Object.fromEntries(sent[3]!.url.searchParams)).toEqual({ dim: 'region', from: '1000', to: '9000', top: '5' });
    for (const s of sent) expect(s.signal).toBe(signal);
  });
});
