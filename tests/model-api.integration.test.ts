import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { alignmentTree, apiClient, parseResponse } from './support/api-client.ts';
import { startTestServer, waitFor, type TestServer } from './support/harness.ts';

const CONFIG = `
objectives:
  - { id: company, name: Win the year, owner: CEO, period: 2026-Q4 }
  - { id: sales, name: Sell more, level: department, parent: company, owner: VP Sales, review: weekly }
kpis:
  - { id: orders, name: Orders, objective: sales, metric: m.orders, aggregation: count, window: 1h, unit: orders, owner: Sam, target: 10 }
goals:
  - { id: sam-orders, name: Sam closes 5 orders, owner: Sam, kpi: orders, target: 5 }
`;

let server: TestServer;
/** The typed client, as the same user as `call`. */
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  server = await startTestServer({ config: CONFIG });
  api = apiClient(server, { 'x-northstar-user': 'ana' });
});
afterAll(async () => {
  await server?.stop();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-northstar-user': 'ana', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // YAML and empty bodies stay text
  }
  return {
    status: res.status,
    body: json as Record<string, unknown> & { error?: { details?: Array<{ field: string }> } },
    etag: res.headers.get('etag'),
  };
}

describe('objectives, KPIs and goals over the API', () => {
  it('creates an objective and refuses a duplicate', async () => {
    const created = await call('POST', '/api/v1/objectives', {
      id: 'support',
      name: 'Support well',
      level: 'department',
      parent: 'company',
      owner: 'Jo',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'support', level: 'department', rollup: 'weighted_average', version: 1 });
    expect((await call('POST', '/api/v1/objectives', { id: 'support', name: 'Again' })).status).toBe(409);
  });

  it('names each bad field of an invalid definition', async () => {
    const r = await call('POST', '/api/v1/kpis', {
      id: 'Bad Id',
      name: '',
      objective: 'nowhere',
      metric: 'x',
      aggregation: 'median',
      window: 'forever',
    });
    expect(r.status).toBe(400);
    const fields = r.body.error?.details?.map((d) => d.field) ?? [];
    expect(fields).toEqual(expect.arrayContaining(['id', 'name', 'aggregation', 'window']));
    const refs = await call('POST', '/api/v1/kpis', {
      id: 'k2',
      name: 'K2',
      objective: 'nowhere',
      metric: 'x',
      aggregation: 'sum',
      window: '1h',
    });
    expect(refs.status).toBe(400);
    expect(refs.body.error?.details).toEqual([{ field: 'objective', message: 'no objective with id "nowhere"' }]);
    expect((await call('POST', '/api/v1/objectives', '{"id": ')).status).toBe(400);
  });

  it('refuses a parent cycle', async () => {
    const r = await call('PUT', '/api/v1/objectives/company', { id: 'company', name: 'Win the year', parent: 'sales' });
    expect(r.status).toBe(400);
    expect(r.body.error?.details?.[0]?.field).toBe('parent');
  });

  it('versions every change with who and why, guards with If-Match, and keeps history after delete', async () => {
    const v1 = await call('POST', '/api/v1/kpis', {
      id: 'tickets',
      name: 'Tickets',
      objective: 'support',
      metric: 'm.tickets',
      aggregation: 'count',
      window: '1h',
      target: 50,
    });
    expect(v1.status).toBe(201);
    expect(v1.etag).toBe('"1"');
    const v2 = await call(
      'PUT',
      '/api/v1/kpis/tickets',
      { ...(v1.body as object), version: undefined, target: 40 },
      { 'if-match': '"1"', 'x-northstar-reason': 'fewer tickets after the FAQ' },
    );
    expect(v2.status).toBe(200);
    expect(v2.body.version).toBe(2);
    const stale = await call(
      'PUT',
      '/api/v1/kpis/tickets',
      { id: 'tickets', name: 'Tickets', objective: 'support', metric: 'm.tickets', aggregation: 'count', window: '1h', target: 30 },
      { 'if-match': '1' },
    );
    expect(stale.status).toBe(409);
    expect((await call('DELETE', '/api/v1/objectives/support')).status).toBe(409); // a KPI still points at it
    expect((await call('DELETE', '/api/v1/kpis/tickets', undefined, { 'x-northstar-reason': 'merged into csat' })).status).toBe(204);
    expect((await call('GET', '/api/v1/kpis/tickets')).status).toBe(404);
    const history = await api.api.v1.kpis[':id'].history.$get({ param: { id: 'tickets' } });
    expect(history.status).toBe(200);
    const rows = await parseResponse(history);
    expect(rows.map((r) => [r.version, r.op, r.author])).toEqual([
      [1, 'upsert', 'ana'],
      [2, 'upsert', 'ana'],
      [3, 'delete', 'ana'],
    ]);
    expect(rows[1]?.reason).toBe('fewer tickets after the FAQ');
    expect(rows[1]?.definition?.target).toBe(40);
    expect(rows[2]?.definition).toBeNull();
  });

  it('shows on a chart the target that was in force at each point', async () => {
    const def = { id: 'paced', name: 'Paced', objective: 'sales', metric: 'm.paced', aggregation: 'count', window: '10s', target: 100 };
    expect((await call('POST', '/api/v1/kpis', def)).status).toBe(201);
    await new Promise((r) => setTimeout(r, 2500));
    const changedAt = Date.now();
    expect((await call('PUT', '/api/v1/kpis/paced', { ...def, target: 200 })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2500));
    const to = Math.floor(Date.now() / 1000) * 1000;
    const series = await parseResponse(
      api.api.v1.kpis[':id'].series.$get({ param: { id: 'paced' }, query: { from: String(to - 4000), to: String(to), step: '1s' } }),
    );
    expect(series.targets.length).toBe(series.points.length);
    for (const [ts, target] of series.targets) expect(target).toBe(ts < changedAt ? 100 : 200);
    expect(new Set(series.targets.map((t) => t[1]))).toEqual(new Set([100, 200]));
  });
});

describe('feedback, reviews, lint and the tree', () => {
  it('records check-ins and annotations, and says which field is wrong', async () => {
    const ok = await call('POST', '/api/v1/checkins', {
      subject: { kind: 'goal', id: 'sam-orders' },
      confidence: 'medium',
      narrative: 'two deals slipped',
      value: 3,
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ author: 'ana', confidence: 'medium', value: 3 });
    const bad = await call('POST', '/api/v1/checkins', { subject: { kind: 'kpi', id: 'nope' }, confidence: 'sure', narrative: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details?.map((d) => d.field).sort()).toEqual(['confidence', 'narrative']);
    const missing = await call('POST', '/api/v1/checkins', { subject: { kind: 'kpi', id: 'nope' }, confidence: 'low', narrative: 'x' });
    expect(missing.body.error?.details).toEqual([{ field: 'subject.id', message: 'no kpi with id "nope"' }]);
    const list = await parseResponse(api.api.v1.checkins.$get({ query: { kind: 'goal', id: 'sam-orders' } }));
    expect(list.length).toBe(1);

    const note = await call('POST', '/api/v1/annotations', {
      kpi: 'orders',
      kind: 'campaign',
      text: 'Black Friday',
      ts: Date.now() - 60_000,
    });
    expect(note.status).toBe(201);
    const notes = await parseResponse(api.api.v1.annotations.$get({ query: { kpi: 'orders' } }));
    expect(notes.map((n) => n.text)).toEqual(['Black Friday']);
    expect((await call('POST', '/api/v1/annotations', { kpi: 'orders', text: 'x', ts: 'noon' })).body.error?.details?.[0]?.field).toBe(
      'ts',
    );
  });

  it('lists reviews that are due, and a check-in moves the next one out', async () => {
    const due = await parseResponse(api.api.v1.reviews.$get());
    const sales = due.find((d) => d.subject.id === 'sales');
    expect(sales).toBeDefined();
    // created with the server: its first review is a week out, not overdue on a first start
    expect(sales!.overdue).toBe(false);
    expect(sales!.dueAt).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    await call('POST', '/api/v1/checkins', { subject: { kind: 'objective', id: 'sales' }, confidence: 'high', narrative: 'on plan' });
    const after = await parseResponse(api.api.v1.reviews.$get());
    expect(after.find((d) => d.subject.id === 'sales')?.overdue ?? false).toBe(false);
  });

  it('lints the model: a KPI without owner and an objective without KPIs', async () => {
    expect(
      (
        await call('POST', '/api/v1/kpis', {
          id: 'ownerless',
          name: 'No owner',
          objective: 'sales',
          metric: 'm.x',
          aggregation: 'sum',
          window: '1h',
          unit: 'x',
          target: 1,
        })
      ).status,
    ).toBe(201);
    const { findings } = await parseResponse(api.api.v1.lint.$get());
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'kpi-missing-owner', subject: expect.objectContaining({ id: 'ownerless' }) }),
      ]),
    );
    expect(findings.find((f) => f.rule === 'objective-without-kpis' && f.subject.id === 'support')?.fix.text).toMatch(
      /^Link a KPI that shows progress on "Support well"/,
    );
  });

  it('serves the tree: objective → child objective → KPI → goal, with roll-ups', async () => {
    const tree = await alignmentTree(api);
    const company = tree.objectives.find((o) => o.id === 'company')!;
    expect(company.state).not.toBeNull();
    const sales = company.children.find((c) => c.id === 'sales')!;
    const orders = sales.kpis.find((k) => k.id === 'orders')!;
    expect(orders.goals).toEqual([expect.objectContaining({ id: 'sam-orders', progress: expect.objectContaining({ value: 3 }) })]);
  });
});

describe('config as code', () => {
  it('exports YAML that imports back without a change, and round-trips exactly', async () => {
    const first = await fetch(`${server.url}/api/v1/model`);
    expect(first.headers.get('content-type')).toMatch(/yaml/);
    const yaml = await first.text();
    expect(parseYaml(yaml)).toHaveProperty('objectives');
    const imported = await call('PUT', '/api/v1/model', yaml, { 'content-type': 'application/yaml' });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(await (await fetch(`${server.url}/api/v1/model`)).text()).toBe(yaml);
  });

  it('refuses a document with a dangling reference, naming where, and changes nothing', async () => {
    const before = await (await fetch(`${server.url}/api/v1/model`)).text();
    const r = await call(
      'PUT',
      '/api/v1/model',
      'objectives: []\nkpis:\n  - { id: a, name: A, objective: gone, metric: m, aggregation: sum, window: 1h }\n',
      {
        'content-type': 'application/yaml',
      },
    );
    expect(r.status).toBe(400);
    expect(r.body.error?.details).toEqual([{ field: 'kpis[0].objective', message: 'no objective with id "gone"' }]);
    expect(await (await fetch(`${server.url}/api/v1/model`)).text()).toBe(before);
  });

  it('publishes an OpenAPI document built from the same schemas', async () => {
    const doc = await parseResponse(api.api.v1['openapi.json'].$get());
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/objectives', '/api/v1/kpis/{id}/history', '/api/v1/model', '/api/v1/checkins']),
    );
    expect(doc.components?.schemas).toHaveProperty('Kpi');
  });
});

describe('the live path', () => {
  it('applies a new KPI to the live path at once', async () => {
    await call('POST', '/api/v1/kpis', {
      id: 'fresh',
      name: 'Fresh',
      objective: 'sales',
      metric: 'm.fresh',
      aggregation: 'sum',
      window: '1h',
      target: 10,
    });
    await fetch(`${server.url}/api/v1/events`, {
      method: 'POST',
      body: '{"metric":"m.fresh","value":7}',
      headers: { 'content-type': 'application/x-ndjson' },
    });
    await waitFor(
      async () => ((await call('GET', '/api/v1/kpis/fresh')).body as { state?: { value: number } }).state?.value === 7 || undefined,
      'fresh KPI = 7',
    );
  });
});
