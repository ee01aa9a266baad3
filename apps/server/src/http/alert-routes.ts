import type { ClickHouseClient } from '@clickhouse/client';
import type { z } from 'zod';
import { Hono } from 'hono';
import {
  AckInputSchema,
  AlertFeedbackInputSchema,
  BacktestKpiRequestSchema,
  BacktestSeriesRequestSchema,
  DetectionFeedbackInputSchema,
  SilenceInputSchema,
  parseTimestamp,
  type BacktestResponse,
  type DetectionPoint,
} from '@northstar/shared';
import { backtest } from '../detect/index.ts';
import { MISSED, RESET } from '../detect/tuning.ts';
import { inlineSeries } from './backtest-input.ts';
import { ModelError, fieldProblems, invalid } from '../model/model-errors.ts';
import type { ModelService } from '../model/model-service.ts';
import type { AlertRepo } from '../store/alert-repo.ts';
import { querySeries } from '../store/series-query.ts';
import type { AlertEngine } from '../watch/alert-engine.ts';
import { detectionStepMs } from '../watch/detection-step.ts';
import { jsonError } from './errors.ts';
import { doc } from './route-doc.ts';
import { input } from './typed-input.ts';
import { modelErrorResponse, readJson } from './model-routes.ts';
import { changeMeta } from './write-guard.ts';

/** A backtest over history is bounded like a chart: this many points at most. */
const MAX_BACKTEST_POINTS = 20_000;
/** An inline series may be larger than a JSON definition. */
const MAX_BACKTEST_BODY_BYTES = 4 * 1024 * 1024;

export interface AlertRouteDeps {
  alerts: Pick<
    AlertEngine,
    'list' | 'acknowledge' | 'giveFeedback' | 'silences' | 'addSilence' | 'expireSilence' | 'tuneDetection' | 'detectionTuning'
  >;
  alertRepo: Pick<AlertRepo, 'transitions' | 'feedback'>;
  model: ModelService;
  clickhouse: ClickHouseClient;
}

function time(raw: string | number, field: string, nowMs: number): number {
  const t = parseTimestamp(raw, nowMs);
  if (!t.ok) throw invalid('invalid request', [{ field, message: t.reason.replace(/^ts: /, '') }]);
  return t.ms;
}

/** Alerts (list, history, acknowledge, feedback), silences, detector backtests and precision. */
export function alertRoutes(deps: AlertRouteDeps) {
  const { alerts } = deps;

  return (
    new Hono()
      .get(
        '/api/v1/alerts',
        doc({
          tag: 'alerts',
          summary: 'Open alerts (with all=1 also resolved ones of the last day), newest first',
          query: [{ name: 'all', description: '1: also resolved alerts' }],
          responses: { 200: 'Alert[]' },
        }),
        input<{ query: { all?: string } }>(),
        (c) => c.json(alerts.list(Date.now(), c.req.query('all') === '1')),
      )
      .get(
        '/api/v1/alerts/history',
        doc({
          tag: 'alerts',
          summary: 'State transitions of alerts in a range (at most 1 000)',
          query: [
            'key',
            'kpi',
            { name: 'from', description: 'epoch ms; default 7 days ago' },
            { name: 'to', description: 'epoch ms; default now' },
          ],
          responses: { 200: 'transitions, newest first', 400: 'from or to is not epoch milliseconds' },
        }),
        input<{ query: { key?: string; kpi?: string; from?: string; to?: string } }>(),
        async (c) => {
          const now = Date.now();
          const from = Number(c.req.query('from') ?? now - 7 * 86_400_000);
          const to = Number(c.req.query('to') ?? now);
          if (!Number.isFinite(from) || !Number.isFinite(to)) return jsonError(c, 400, 'bad_query', 'from, to: must be epoch milliseconds');
          return c.json(
            await deps.alertRepo.transitions({ key: c.req.query('key'), kpi: c.req.query('kpi'), fromMs: from, toMs: to, limit: 1000 }),
          );
        },
      )
      .post(
        '/api/v1/alerts/ack',
        doc({
          tag: 'alerts',
          summary: 'Acknowledge an alert, with a comment',
          body: 'AckRequest',
          responses: { 200: 'The alert', 400: 'Invalid input; details name each bad field', 404: 'No such alert' },
        }),
        input<{ json: { key: string } & z.input<typeof AckInputSchema> }>(),
        async (c) => {
          try {
            const body = (await readJson(c)) as { key?: unknown } & Record<string, unknown>;
            const key = typeof body.key === 'string' ? body.key : '';
            const parsed = AckInputSchema.safeParse({ comment: body.comment });
            if (!parsed.success) throw invalid('invalid acknowledgement', fieldProblems(parsed.error));
            const alert = await alerts.acknowledge(key, changeMeta(c).author, parsed.data.comment, Date.now());
            if (!alert) throw new ModelError(404, 'not_found', `no alert with key "${key.slice(0, 200)}"`);
            return c.json(alert);
          } catch (err) {
            return modelErrorResponse(c, err);
          }
        },
      )
      .post(
        '/api/v1/alerts/feedback',
        doc({
          tag: 'alerts',
          summary: 'Say whether an alert was real (tunes the detector)',
          body: 'AlertFeedbackRequest',
          responses: { 200: 'The alert', 400: 'Invalid input; details name each bad field', 404: 'No such alert' },
        }),
        input<{ json: { key: string } & z.input<typeof AlertFeedbackInputSchema> }>(),
        async (c) => {
          try {
            const body = (await readJson(c)) as { key?: unknown } & Record<string, unknown>;
            const key = typeof body.key === 'string' ? body.key : '';
            const { key: _key, ...rest } = body;
            const parsed = AlertFeedbackInputSchema.safeParse(rest);
            if (!parsed.success) throw invalid('invalid feedback', fieldProblems(parsed.error));
            const alert = await alerts.giveFeedback(key, parsed.data, changeMeta(c).author, Date.now());
            if (!alert) throw new ModelError(404, 'not_found', `no alert with key "${key.slice(0, 200)}"`);
            return c.json(alert);
          } catch (err) {
            return modelErrorResponse(c, err);
          }
        },
      )
      .get(
        '/api/v1/silences',
        doc({ tag: 'alerts', summary: 'Silences in force or still to come', responses: { 200: 'Silence[]' } }),
        (c) => c.json(alerts.silences),
      )
      .post(
        '/api/v1/silences',
        doc({
          tag: 'alerts',
          summary: 'Silence notifications of matching alerts for a while',
          body: 'SilenceInput',
          responses: { 201: 'The silence', 400: 'Invalid input; details name each bad field' },
        }),
        input<{ json: z.input<typeof SilenceInputSchema> }>(),
        async (c) => {
          try {
            const parsed = SilenceInputSchema.safeParse(await readJson(c));
            if (!parsed.success) throw invalid('invalid silence', fieldProblems(parsed.error));
            const now = Date.now();
            const startsAt = parsed.data.startsAt === undefined ? now : time(parsed.data.startsAt, 'startsAt', now + 366 * 86_400_000);
            const endsAt = time(parsed.data.endsAt, 'endsAt', now + 366 * 86_400_000);
            if (endsAt <= startsAt) throw invalid('invalid silence', [{ field: 'endsAt', message: 'must be after startsAt' }]);
            const silence = await alerts.addSilence(
              { matchers: parsed.data.matchers, startsAt, endsAt, comment: parsed.data.comment, createdBy: changeMeta(c).author },
              now,
            );
            return c.json(silence, 201);
          } catch (err) {
            return modelErrorResponse(c, err);
          }
        },
      )
      .delete(
        '/api/v1/silences/:id',
        doc({
          tag: 'alerts',
          summary: 'End a silence now',
          responses: { 200: 'The ended silence', 404: 'No active silence with this id' },
        }),
        async (c) => {
          const ended = await alerts.expireSilence(c.req.param('id'), Date.now());
          if (!ended) return jsonError(c, 404, 'not_found', `no active silence with id "${c.req.param('id').slice(0, 100)}"`);
          return c.json(ended);
        },
      )
      .post(
        '/api/v1/detect/backtest',
        doc({
          tag: 'detect',
          summary: 'Replay the anomaly detectors over a KPI’s history ({kpi, from, to}) or over an inline series ({series})',
          body: 'BacktestRequest',
          responses: { 200: '{stepMs, points, flagged}', 400: 'Invalid input; details name each bad field' },
        }),
        input<{ json: z.input<typeof BacktestKpiRequestSchema> | z.input<typeof BacktestSeriesRequestSchema> }>(),
        async (c) => {
          try {
            const raw = await readJson(c, MAX_BACKTEST_BODY_BYTES);
            const byKpi = typeof raw === 'object' && raw !== null && 'kpi' in raw;
            const parsed = (byKpi ? BacktestKpiRequestSchema : BacktestSeriesRequestSchema).safeParse(raw);
            if (!parsed.success) throw invalid('invalid backtest request', fieldProblems(parsed.error));
            const req = parsed.data;
            let body: BacktestResponse;
            if ('kpi' in req) {
              const kpi = deps.model.get('kpi', req.kpi);
              if (!kpi) throw invalid('invalid backtest request', [{ field: 'kpi', message: `no KPI with id "${req.kpi}"` }]);
              const now = Date.now();
              const fromMs = time(req.from, 'from', now);
              const toMs = time(req.to, 'to', now);
              if (fromMs >= toMs) throw invalid('invalid backtest request', [{ field: 'from', message: 'must be before to' }]);
              const settings = { ...kpi.detection, ...req.detection };
              const baseStepMs = detectionStepMs({ ...kpi, detection: { enabled: true, sensitivity: 'medium', ...settings } });
              // a long range (30 days, a quarter, a year) is judged on whole multiples of the detector's
              // step, as coarse as it takes to stay within MAX_BACKTEST_POINTS: an answer, never a refusal
              const stepMs = baseStepMs * Math.max(1, Math.ceil((toMs - fromMs) / baseStepMs / MAX_BACKTEST_POINTS));
              const series = await querySeries(deps.clickhouse, kpi, { fromMs: Math.floor(fromMs / stepMs) * stepMs, toMs, stepMs });
              // before its first value the KPI did not exist: not an outage (the live runner skips it the same way), nothing learned yet
              const first = series.findIndex(([, value]) => value !== null);
              const start = first < 0 ? series.length : first;
              const before: DetectionPoint[] = series.slice(0, start).map(([ts]) => ({
                ts,
                value: null,
                score: 0,
                lower: null,
                upper: null,
                flag: false,
                detector: null,
                learning: true,
                held: null,
              }));
              const points = [
                ...before,
                ...backtest(
                  series.slice(start).map(([ts, value]) => ({ ts, value })),
                  settings,
                  { direction: kpi.direction, timezone: kpi.timezone },
                ),
              ];
              body = { stepMs, points, flagged: points.filter((p) => p.flag).length };
            } else {
              const series = inlineSeries(req.series, Date.now());
              // without a KPI direction an inline series is watched both ways: most incidents are spikes, some are drops
              const points = backtest(series, req.detection ?? {}, {
                direction: req.kpiDirection ?? 'within_range',
                timezone: req.timezone,
              });
              const stepMs = series.length > 1 ? (series[1]?.ts ?? 0) - (series[0]?.ts ?? 0) : 0;
              body = { stepMs, points, flagged: points.filter((p) => p.flag).length };
            }
            return c.json(body);
          } catch (err) {
            return modelErrorResponse(c, err);
          }
        },
      )
      /** "Missed" (an anomaly nobody was alerted to: the KPI's threshold drops a step) or "reset" (back to its sensitivity's). */
      .post(
        '/api/v1/detect/feedback',
        doc({
          tag: 'detect',
          summary: 'Report a missed anomaly (the KPI’s threshold drops a step) or reset the threshold',
          body: 'DetectionFeedbackInput',
          responses: { 200: 'The KPI’s tuning', 400: 'Invalid input; details name each bad field' },
        }),
        input<{ json: z.input<typeof DetectionFeedbackInputSchema> }>(),
        async (c) => {
          try {
            const parsed = DetectionFeedbackInputSchema.safeParse(await readJson(c));
            if (!parsed.success) throw invalid('invalid detection feedback', fieldProblems(parsed.error));
            const { kpi, kind, note } = parsed.data;
            if (!deps.model.get('kpi', kpi))
              throw invalid('invalid detection feedback', [{ field: 'kpi', message: `no KPI with id "${kpi.slice(0, 200)}"` }]);
            const tuning = await alerts.tuneDetection(kpi, kind, note, changeMeta(c).author, Date.now());
            return c.json(tuning);
          } catch (err) {
            return modelErrorResponse(c, err);
          }
        },
      )
      /** Every KPI whose anomaly threshold people's feedback moved, with who made the newest change and when. */
      .get(
        '/api/v1/detect/tuning',
        doc({ tag: 'detect', summary: 'Every KPI whose anomaly threshold feedback moved', responses: { 200: 'DetectionTuning[]' } }),
        (c) => c.json([...alerts.detectionTuning.values()].filter((t) => t.steps !== 0 || t.reason === 'reset')),
      )
      /** How often people said an alert was real, per detector (or rule type) and KPI. */
      .get(
        '/api/v1/detect/precision',
        doc({
          tag: 'detect',
          summary: 'How often people said an alert was real, per detector and KPI',
          responses: { 200: '[{detector, kpi, real, notReal, precision}]' },
        }),
        async (c) => {
          // "missed" reports and resets tune thresholds; they are not verdicts on an alert
          const rows = (await deps.alertRepo.feedback()).filter((r) => r.detector !== MISSED && r.detector !== RESET);
          const groups = new Map<string, { detector: string; kpi: string; real: number; notReal: number }>();
          for (const r of rows) {
            const k = `${r.detector}|${r.kpi}`;
            const g = groups.get(k) ?? { detector: r.detector, kpi: r.kpi, real: 0, notReal: 0 };
            if (r.real) g.real++;
            else g.notReal++;
            groups.set(k, g);
          }
          return c.json([...groups.values()].map((g) => ({ ...g, precision: g.real / (g.real + g.notReal) })));
        },
      )
  );
}
