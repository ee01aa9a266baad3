import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { Hono } from 'hono';
import { AnnotationInputSchema, CheckinInputSchema, parseTimestamp, type Annotation, type Checkin } from '@northstar/shared';
import { reviewsDue } from '../align/reviews.ts';
import { fieldProblems, invalid } from '../model/model-errors.ts';
import type { ModelService } from '../model/model-service.ts';
import type { ModelRepo } from '../store/model-repo.ts';
import { jsonError } from './errors.ts';
import { doc } from './route-doc.ts';
import { input } from './typed-input.ts';
import { modelErrorResponse, readJson } from './model-routes.ts';
import { changeMeta } from './write-guard.ts';

/** Lists are for screens, not exports: bounded. */
const MAX_LIST = 1000;

function limitOf(raw: string | undefined): number {
  const n = Number(raw ?? MAX_LIST);
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_LIST) : MAX_LIST;
}

/** Check-ins, annotations, milestones and the reviews that are due. */
export interface FeedbackRouteDeps {
  model: ModelService;
  repo: Pick<ModelRepo, 'addCheckin' | 'checkins' | 'addAnnotation' | 'annotations' | 'milestones' | 'lastCheckins' | 'createdAt'>;
}

export function feedbackRoutes(deps: FeedbackRouteDeps) {
  const { model, repo } = deps;

  return new Hono()
    .post(
      '/api/v1/checkins',
      doc({
        tag: 'feedback',
        summary: 'Record a check-in',
        body: 'CheckinInput',
        recordsChange: true,
        responses: { 201: 'The check-in', 400: 'Invalid input; details name each bad field' },
      }),
      input<{ json: z.input<typeof CheckinInputSchema> }>(),
      async (c) => {
        try {
          const parsed = CheckinInputSchema.safeParse(await readJson(c));
          if (!parsed.success) throw invalid('invalid check-in', fieldProblems(parsed.error));
          const { kind, id } = parsed.data.subject;
          if (!model.get(kind, id)) throw invalid('invalid check-in', [{ field: 'subject.id', message: `no ${kind} with id "${id}"` }]);
          const checkin: Checkin = { ...parsed.data, id: randomUUID(), author: changeMeta(c).author, at: Date.now() };
          await repo.addCheckin(checkin);
          return c.json(checkin, 201);
        } catch (err) {
          return modelErrorResponse(c, err);
        }
      },
    )
    .get(
      '/api/v1/checkins',
      doc({
        tag: 'feedback',
        summary: 'Check-ins, newest first',
        query: [{ name: 'kind', description: 'objective, kpi or goal' }, 'id', 'from', 'to', 'limit'],
        responses: { 200: 'Checkin[]', 400: 'kind is not objective, kpi or goal' },
      }),
      input<{ query: { kind?: string; id?: string; from?: string; to?: string; limit?: string } }>(),
      async (c) => {
        const kind = c.req.query('kind');
        if (kind !== undefined && !['objective', 'kpi', 'goal'].includes(kind)) {
          return jsonError(c, 400, 'bad_query', 'kind: must be objective, kpi or goal', [
            { field: 'kind', message: 'must be objective, kpi or goal' },
          ]);
        }
        const from = c.req.query('from');
        const to = c.req.query('to');
        return c.json(
          await repo.checkins({
            kind,
            id: c.req.query('id'),
            fromMs: from ? Number(from) || undefined : undefined,
            toMs: to ? Number(to) || undefined : undefined,
            limit: limitOf(c.req.query('limit')),
          }),
        );
      },
    )
    .post(
      '/api/v1/annotations',
      doc({
        tag: 'feedback',
        summary: 'Annotate a KPI at a time',
        body: 'AnnotationInput',
        recordsChange: true,
        responses: { 201: 'The annotation', 400: 'Invalid input; details name each bad field' },
      }),
      input<{ json: z.input<typeof AnnotationInputSchema> }>(),
      async (c) => {
        try {
          const parsed = AnnotationInputSchema.safeParse(await readJson(c));
          if (!parsed.success) throw invalid('invalid annotation', fieldProblems(parsed.error));
          const input = parsed.data;
          if (!model.get('kpi', input.kpi))
            throw invalid('invalid annotation', [{ field: 'kpi', message: `no KPI with id "${input.kpi}"` }]);
          const now = Date.now();
          let ts = now;
          if (input.ts !== undefined) {
            const t = parseTimestamp(input.ts, now);
            if (!t.ok) throw invalid('invalid annotation', [{ field: 'ts', message: t.reason.replace(/^ts: /, '') }]);
            ts = t.ms;
          }
          const annotation: Annotation = {
            id: randomUUID(),
            kpi: input.kpi,
            ts,
            kind: input.kind,
            text: input.text,
            author: changeMeta(c).author,
          };
          await repo.addAnnotation(annotation);
          return c.json(annotation, 201);
        } catch (err) {
          return modelErrorResponse(c, err);
        }
      },
    )
    .get(
      '/api/v1/annotations',
      doc({
        tag: 'feedback',
        summary: 'Annotations of a KPI in a range',
        query: [{ name: 'kpi', required: true }, 'from', 'to', 'limit'],
        responses: { 200: 'Annotation[]', 400: 'kpi missing, or from/to not epoch milliseconds' },
      }),
      input<{ query: { kpi: string; from?: string; to?: string; limit?: string } }>(),
      async (c) => {
        const kpi = c.req.query('kpi');
        if (!kpi) return jsonError(c, 400, 'bad_query', 'kpi: is required', [{ field: 'kpi', message: 'is required' }]);
        const toMs = Number(c.req.query('to') ?? Date.now());
        const fromMs = Number(c.req.query('from') ?? toMs - 30 * 86_400_000);
        if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) {
          return jsonError(c, 400, 'bad_query', 'from, to: must be epoch milliseconds', [
            { field: 'from', message: 'must be epoch milliseconds' },
          ]);
        }
        return c.json(await repo.annotations(kpi, fromMs, toMs, limitOf(c.req.query('limit'))));
      },
    )
    .get(
      '/api/v1/milestones',
      doc({ tag: 'feedback', summary: 'Targets reached, newest first', query: ['limit'], responses: { 200: 'Milestone[]' } }),
      input<{ query: { limit?: string } }>(),
      async (c) => c.json(await repo.milestones(limitOf(c.req.query('limit')))),
    )
    .get('/api/v1/reviews', doc({ tag: 'feedback', summary: 'Reviews due or overdue', responses: { 200: 'ReviewDue[]' } }), async (c) => {
      const last = await repo.lastCheckins();
      const lastAt = new Map([...last].map(([k, v]) => [k, v.at]));
      return c.json(reviewsDue({ objectives: model.objectives, kpis: model.kpis }, lastAt, Date.now(), await repo.createdAt()));
    });
}
