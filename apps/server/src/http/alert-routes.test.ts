import type { BacktestResponse, DetectionTuning, Silence } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import type { FeedbackRow } from '../store/alert-repo.ts';
import { alertRoutes, type AlertRouteDeps } from './alert-routes.ts';
import { JSON_HEADERS, SALES_MODEL, expectError, memoryModel, noStore } from './routes.fixture.ts';

/** An alert engine with no alerts firing: silences and tuning kept in memory as the engine keeps them. */
function quietEngine(): AlertRouteDeps['alerts'] {
  const silences: Silence[] = [];
  const tuning = new Map<string, DetectionTuning>();
  return {
    list: () => [],
    acknowledge: () => Promise.resolve(undefined),
    giveFeedback: () => Promise.resolve(undefined),
    get silences() {
      return silences;
    },
    addSilence: (input) => {
      const silence = { ...input, id: `s${silences.length + 1}` };
      silences.push(silence);
      return Promise.resolve(silence);
    },
    expireSilence: (id, nowMs) => {
      const s = silences.find((x) => x.id === id && x.endsAt > nowMs);
      if (s) s.endsAt = nowMs;
      return Promise.resolve(s);
    },
    tuneDetection: (kpi, kind, note, by, at) => {
      const t: DetectionTuning = { kpi, steps: kind === 'missed' ? -1 : 0, reason: kind, by, at, note };
      tuning.set(kpi, t);
      return Promise.resolve(t);
    },
    get detectionTuning() {
      return tuning;
    },
  };
}

const verdict = (detector: string, real: boolean): FeedbackRow => ({
  key: 'k',
  episode: 1,
  rule: 'r',
  kpi: 'orders',
  detector,
  real,
  expected: false,
  note: '',
  fromTs: 0,
  toTs: 1,
  by: 'ana',
  at: 1,
});

/** A minute-by-minute series starts here. */
const T0 = Date.parse('2026-11-01T00:00:00Z');

async function routes() {
  const feedback = [verdict('zscore', true), verdict('zscore', false), verdict('zscore', true), verdict('missed', false)];
  const app = alertRoutes({
    alerts: quietEngine(),
    alertRepo: { transitions: () => Promise.resolve([]), feedback: () => Promise.resolve(feedback) },
    model: await memoryModel(SALES_MODEL),
    clickhouse: noStore(),
  });
  const post = (path: string, body: unknown) => app.request(path, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
  return { app, post };
}

describe('alert routes', () => {
  it('answers 404 naming the key of an alert that does not exist', async () => {
    const { post } = await routes();
    expect((await expectError(await post('/api/v1/alerts/ack', { key: 'nope', comment: 'mine' }), 404, 'not_found')).message).toBe(
      'no alert with key "nope"',
    );
  });

  it('names a bad field of an acknowledgement and of feedback', async () => {
    const { post } = await routes();
    const ack = await expectError(await post('/api/v1/alerts/ack', { key: 'k', comment: 7 }), 400, 'invalid');
    expect(ack.details?.map((d) => d.field)).toEqual(['comment']);
    const feedback = await expectError(await post('/api/v1/alerts/feedback', { key: 'k', real: 'yes' }), 400, 'invalid');
    expect(feedback.details?.map((d) => d.field)).toEqual(['real']);
  });

  it('refuses a history range that is not epoch milliseconds', async () => {
    const { app } = await routes();
    await expectError(await app.request('/api/v1/alerts/history?from=last-week'), 400, 'bad_query');
  });

  it('adds a silence, lists it and ends it; an unknown one is 404', async () => {
    const { app, post } = await routes();
    const endsAt = Date.now() + 3_600_000;
    const created = await post('/api/v1/silences', { matchers: [{ field: 'kpi', value: 'orders' }], endsAt, comment: 'deploy' });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 's1', endsAt, createdBy: 'anonymous', comment: 'deploy' });
    expect(await (await app.request('/api/v1/silences')).json()).toHaveLength(1);
    expect((await app.request('/api/v1/silences/s1', { method: 'DELETE' })).status).toBe(200);
    await expectError(await app.request('/api/v1/silences/s1', { method: 'DELETE' }), 404, 'not_found');
  });

  it('names the end of a silence that is before its start', async () => {
    const { post } = await routes();
    const res = await post('/api/v1/silences', {
      matchers: [{ field: 'kpi', value: 'orders' }],
      startsAt: '2026-11-02T00:00:00Z',
      endsAt: '2026-11-01T00:00:00Z',
      comment: 'x',
    });
    expect((await expectError(res, 400, 'invalid')).details).toEqual([{ field: 'endsAt', message: 'must be after startsAt' }]);
  });

  it('backtests an inline series and names each bad point', async () => {
    const { post } = await routes();
    const series = Array.from({ length: 50 }, (_, i) => ({ ts: T0 + i * 60_000, value: i === 45 ? 500 : 10 + (i % 3) }));
    const ok = await post('/api/v1/detect/backtest', { series });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as BacktestResponse;
    expect(body.stepMs).toBe(60_000);
    expect(body.points).toHaveLength(50);
    const bad = await post('/api/v1/detect/backtest', { series: [{ ts: 'soon', value: 1 }] });
    expect((await expectError(bad, 400, 'invalid')).details?.map((d) => d.field)).toEqual(['series[0].ts']);
  });

  it('names an unknown KPI in a backtest and in detection feedback', async () => {
    const { post } = await routes();
    const backtest = await expectError(await post('/api/v1/detect/backtest', { kpi: 'nope', from: 0, to: 1 }), 400, 'invalid');
    expect(backtest.details).toEqual([{ field: 'kpi', message: 'no KPI with id "nope"' }]);
    const feedback = await expectError(await post('/api/v1/detect/feedback', { kpi: 'nope', kind: 'missed' }), 400, 'invalid');
    expect(feedback.details?.map((d) => d.field)).toEqual(['kpi']);
  });

  it('lists moved thresholds after feedback, and precision per detector without "missed" reports', async () => {
    const { app, post } = await routes();
    expect((await post('/api/v1/detect/feedback', { kpi: 'orders', kind: 'missed', note: 'spike' })).status).toBe(200);
    expect(await (await app.request('/api/v1/detect/tuning')).json()).toEqual([expect.objectContaining({ kpi: 'orders', steps: -1 })]);
    expect(await (await app.request('/api/v1/detect/precision')).json()).toEqual([
      { detector: 'zscore', kpi: 'orders', real: 2, notReal: 1, precision: 2 / 3 },
    ]);
  });
});
