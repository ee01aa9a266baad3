import type { Annotation, Checkin, ReviewDue } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { feedbackRoutes, type FeedbackRouteDeps } from './feedback-routes.ts';
import { JSON_HEADERS, SALES_MODEL, expectError, memoryModel } from './routes.fixture.ts';

/** Check-ins and annotations kept in arrays, read back newest first as the store answers them. */
function memoryFeedback(): FeedbackRouteDeps['repo'] & { checkinList: Checkin[] } {
  const checkinList: Checkin[] = [];
  const annotations: Annotation[] = [];
  return {
    checkinList,
    addCheckin: (c) => {
      checkinList.push(c);
      return Promise.resolve();
    },
    checkins: (f) =>
      Promise.resolve(
        checkinList
          .filter((c) => (f.kind === undefined || c.subject.kind === f.kind) && (f.id === undefined || c.subject.id === f.id))
          .reverse(),
      ),
    addAnnotation: (a) => {
      annotations.push(a);
      return Promise.resolve();
    },
    annotations: (kpi, fromMs, toMs, limit) =>
      Promise.resolve(annotations.filter((a) => a.kpi === kpi && a.ts >= fromMs && a.ts <= toMs).slice(0, limit)),
    milestones: () => Promise.resolve([]),
    lastCheckins: () =>
      Promise.resolve(
        new Map(
          checkinList.map((c) => [`${c.subject.kind}:${c.subject.id}`, { at: c.at, value: c.value ?? null, confidence: c.confidence }]),
        ),
      ),
    createdAt: () => Promise.resolve(new Map()),
  };
}

async function routes() {
  const repo = memoryFeedback();
  const app = feedbackRoutes({ model: await memoryModel(SALES_MODEL), repo });
  const post = (path: string, body: unknown) =>
    app.request(path, { method: 'POST', headers: { ...JSON_HEADERS, 'x-northstar-user': 'ana' }, body: JSON.stringify(body) });
  return { app, post, repo };
}

describe('feedback routes', () => {
  it('records a check-in by its author and lists it', async () => {
    const { app, post } = await routes();
    const res = await post('/api/v1/checkins', { subject: { kind: 'kpi', id: 'orders' }, confidence: 'high', narrative: 'fine' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ author: 'ana', subject: { id: 'orders' }, id: expect.any(String) as string });
    expect(await (await app.request('/api/v1/checkins?kind=kpi&id=orders')).json()).toHaveLength(1);
  });

  it('names the bad fields of a check-in and an unknown subject, storing nothing', async () => {
    const { post, repo } = await routes();
    const bad = await expectError(
      await post('/api/v1/checkins', { subject: { kind: 'kpi', id: 'orders' }, confidence: 'great' }),
      400,
      'invalid',
    );
    expect(bad.details?.map((d) => d.field)).toEqual(['confidence', 'narrative']);
    const unknown = await post('/api/v1/checkins', { subject: { kind: 'goal', id: 'nope' }, confidence: 'high', narrative: 'x' });
    expect((await expectError(unknown, 400, 'invalid')).details).toEqual([{ field: 'subject.id', message: 'no goal with id "nope"' }]);
    expect(repo.checkinList).toEqual([]);
  });

  it('names a check-in kind that is not one in the query', async () => {
    const { app } = await routes();
    expect((await expectError(await app.request('/api/v1/checkins?kind=team'), 400, 'bad_query')).details).toEqual([
      { field: 'kind', message: 'must be objective, kpi or goal' },
    ]);
  });

  it('annotates a KPI at a time and reads it back in its range', async () => {
    const { app, post } = await routes();
    const ts = Date.parse('2026-11-27T09:00:00Z');
    expect((await post('/api/v1/annotations', { kpi: 'orders', ts: '2026-11-27T09:00:00Z', text: 'Black Friday' })).status).toBe(201);
    const res = await app.request(`/api/v1/annotations?kpi=orders&from=${ts - 1}&to=${ts + 1}`);
    expect(await res.json()).toEqual([expect.objectContaining({ ts, kind: 'note', text: 'Black Friday', author: 'ana' })]);
  });

  it('names what is wrong with an annotation and its query', async () => {
    const { app, post } = await routes();
    const ts = await expectError(await post('/api/v1/annotations', { kpi: 'orders', ts: 'noon', text: 'x' }), 400, 'invalid');
    expect(ts.details?.map((d) => d.field)).toEqual(['ts']);
    expect((await expectError(await app.request('/api/v1/annotations'), 400, 'bad_query')).details).toEqual([
      { field: 'kpi', message: 'is required' },
    ]);
  });

  it('lists a weekly review as due from its creation, and due a week on after a check-in', async () => {
    const model = await memoryModel({ objectives: [{ ...SALES_MODEL.objectives[0], review: 'weekly' }] });
    const repo = memoryFeedback();
    const app = feedbackRoutes({ model, repo });
    const due = async () => (await (await app.request('/api/v1/reviews')).json()) as ReviewDue[];
    expect(await due()).toEqual([
      expect.objectContaining({ subject: expect.objectContaining({ id: 'sales' }) as unknown, overdue: false }),
    ]);
    const at = Date.now();
    await repo.addCheckin({
      id: 'c1',
      author: 'ana',
      at,
      subject: { kind: 'objective', id: 'sales' },
      confidence: 'high',
      narrative: 'ok',
    });
    const [after] = await due();
    expect(after).toMatchObject({ lastCheckinAt: at, overdue: false });
    expect(after?.dueAt).toBeGreaterThan(at + 6 * 86_400_000);
  });
});
