import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Alert, ServerMessage } from '@northstar/shared';
import { apiClient, parseResponse } from './support/api-client.ts';
import { burst, postEvents, restartTestServer, startTestServer, waitFor, type TestServer } from './support/harness.ts';

const SECRET = 'receiver-secret-0123456789';
let server: TestServer;
let receiver: Server;
const received: Array<{ body: string; signature: string; idempotencyKey: string }> = [];

function config(receiverUrl: string): string {
  return `
objectives:
  - { id: company, name: Run well, owner: CEO }
  - { id: platform, name: Stay fast, parent: company, owner: CTO }
kpis:
  - { id: errors, name: Errors, objective: platform, owner: Ravi, metric: m.errors, aggregation: count, window: 1h, direction: lower_is_better, target: 10 }
rules:
  - id: too-many-errors
    name: Too many errors
    kpis: [errors]
    severity: critical
    condition: { type: threshold, op: '>', value: 10 }
notifications:
  channels:
    - { id: ops-hook, type: webhook, url: '${receiverUrl}', secret: ${SECRET} }
  routes:
    - { channels: [ops-hook], groupWait: 0s, repeatInterval: 1h }
`;
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({
        body,
        signature: String(req.headers['x-northstar-signature']),
        idempotencyKey: String(req.headers['idempotency-key']),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  server = await startTestServer({ config: config(`http://127.0.0.1:${port}/hook`) });
});
afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** The typed client, as the same user as `call`; a function because a test restarts the server. */
const api = () => apiClient(server, { 'x-northstar-user': 'lead' });

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-northstar-user': 'lead' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { details?: Array<{ field: string }> } } };
}

describe('alerts end to end on a real server', () => {
  let alert: Alert;

  it('fires, saying which objectives are at risk and whose, pushes it live and notifies the webhook, signed', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
    const pushed: Alert[] = [];
    ws.on('message', (d) => {
      const msg = JSON.parse(String(d)) as ServerMessage;
      if (msg.type === 'alert') pushed.push(msg.alert);
    });
    await new Promise((r) => ws.once('open', r));
    await postEvents(server, burst('m.errors', 12));

    alert = await waitFor(async () => {
      const list = await parseResponse(api().api.v1.alerts.$get({ query: {} }));
      return list.find((a) => a.state === 'alerting');
    }, 'an alerting alert');
    expect(alert).toMatchObject({ key: 'too-many-errors/errors/', severity: 'critical', value: 12, threshold: 10 });
    expect(alert.path.map((p) => [p.kind, p.id, p.owner])).toEqual([
      ['kpi', 'errors', 'Ravi'],
      ['objective', 'platform', 'CTO'],
      ['objective', 'company', 'CEO'],
    ]);
    await waitFor(() => (pushed.some((a) => a.state === 'alerting') ? true : undefined), 'alert pushed over WebSocket');

    const hook = await waitFor(() => received[0], 'webhook delivery');
    const expected = createHmac('sha256', SECRET).update(hook.body).digest('hex');
    expect(hook.signature).toBe(`sha256=${expected}`);
    expect(hook.idempotencyKey.length).toBeGreaterThan(8);
    expect(JSON.parse(hook.body)).toMatchObject({ status: 'firing' });
    ws.close();

    const history = await parseResponse(api().api.v1.alerts.history.$get({ query: { key: alert.key } }));
    expect(history.map((h) => h.to)).toContain('alerting');
    expect(history.every((h) => h.reason.length > 0)).toBe(true);
  });

  it('records who acknowledged it and why, and a verdict that counts toward precision', async () => {
    const ack = await call('POST', '/api/v1/alerts/ack', { key: alert.key, comment: 'rolling back' });
    expect(ack.status).toBe(200);
    expect(ack.body.acknowledged).toMatchObject({ by: 'lead', comment: 'rolling back' });
    expect((await call('POST', '/api/v1/alerts/ack', { key: 'nope', comment: '' })).status).toBe(404);

    const verdict = await call('POST', '/api/v1/alerts/feedback', { key: alert.key, real: true, note: 'bad deploy' });
    expect(verdict.status).toBe(200);
    const precision = await parseResponse(api().api.v1.detect.precision.$get());
    expect(precision).toEqual([expect.objectContaining({ detector: 'threshold', kpi: 'errors', precision: 1 })]);
  });

  it('creates silences, and names what is wrong with a bad one', async () => {
    const ok = await call('POST', '/api/v1/silences', {
      matchers: [{ field: 'kpi', value: 'errors' }],
      endsAt: Date.now() + 3_600_000,
      comment: 'maintenance',
    });
    expect(ok.status).toBe(201);
    await waitFor(
      async () => ((await parseResponse(api().api.v1.alerts.$get({ query: {} })))[0]?.silencedBy === ok.body.id ? true : undefined),
      'alert silenced',
    );
    const bad = await call('POST', '/api/v1/silences', { matchers: [], endsAt: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details?.map((d) => d.field).sort()).toEqual(['comment', 'matchers']);
    expect((await call('DELETE', `/api/v1/silences/${String(ok.body.id)}`)).status).toBe(200);
  });

  it('backtests a detector on an inline series and on the KPI history', async () => {
    const start = Date.UTC(2026, 10, 1);
    const series = Array.from({ length: 300 }, (_, i) => ({
      ts: start + i * 900_000,
      value: 100 + Math.sin(i / 5) * 2 + (i === 250 ? 60 : 0),
    }));
    const r = await api().api.v1.detect.backtest.$post({ json: { series, detection: { sensitivity: 'medium', direction: 'both' } } });
    expect(r.status).toBe(200);
    const body = await parseResponse(r);
    expect(body.points).toHaveLength(300);
    expect(body.points[250]?.flag).toBe(true);
    expect(body.points.slice(100, 240).filter((p) => p.flag)).toEqual([]);
    expect(body.points[250]?.upper).toBeLessThan(160);

    const now = Date.now();
    const hist = await api().api.v1.detect.backtest.$post({ json: { kpi: 'errors', from: now - 3_600_000, to: now } });
    expect(hist.status).toBe(200);
    expect((await parseResponse(hist)).points.length).toBeGreaterThan(0);
    const bad = await call('POST', '/api/v1/detect/backtest', { kpi: 'nope', from: now - 1000, to: now });
    expect(bad.body.error?.details).toEqual([{ field: 'kpi', message: 'no KPI with id "nope"' }]);
  });

  it('backtests an inline series with ISO timestamps, both ways by default, naming a bad point by its index', async () => {
    const start = Date.UTC(2026, 10, 1);
    const series = Array.from({ length: 300 }, (_, i) => ({
      ts: new Date(start + i * 900_000).toISOString(),
      value: 100 + Math.sin(i / 5) * 2 + (i === 250 ? 60 : 0),
    }));
    // no kpiDirection and no detection.direction: a spike up is watched (it used to watch drops only)
    const r = await api().api.v1.detect.backtest.$post({ json: { series } });
    expect(r.status).toBe(200);
    const body = await parseResponse(r);
    expect(body.stepMs).toBe(900_000);
    expect(body.points[0]?.ts).toBe(start);
    expect(body.points[0]?.learning).toBe(true);
    expect(body.points[250]?.flag).toBe(true);

    const broken = series.map((p, i) => (i === 12 ? { ...p, ts: '01/11/2026 03:00' } : p));
    const bad = await call('POST', '/api/v1/detect/backtest', { series: broken });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details).toEqual([
      {
        field: 'series[12].ts',
        message: '"01/11/2026 03:00" is not ISO 8601 with a time zone (e.g. 2026-11-25T01:02:03.456Z) or epoch ms',
      },
    ]);
  });

  it('lowers a KPI threshold on "missed", shows who did it, and resets it', async () => {
    const missed = await call('POST', '/api/v1/detect/feedback', { kpi: 'errors', kind: 'missed', note: 'the 14:00 outage' });
    expect(missed.status).toBe(200);
    expect(missed.body).toMatchObject({ kpi: 'errors', steps: -1, reason: 'missed', by: 'lead', note: 'the 14:00 outage' });
    const listed = await parseResponse(api().api.v1.detect.tuning.$get());
    expect(listed).toEqual([expect.objectContaining({ kpi: 'errors', steps: -1, by: 'lead' })]);
    // a missed report is not a verdict on an alert: precision is unchanged
    const precision = await parseResponse(api().api.v1.detect.precision.$get());
    expect(precision.map((p) => p.detector)).not.toContain('missed');

    // stored like every verdict: a restart on the same data directory keeps the tuned threshold and who set it
    server = await restartTestServer(server);
    const kept = await parseResponse(api().api.v1.detect.tuning.$get());
    expect(kept).toEqual([expect.objectContaining({ kpi: 'errors', steps: -1, by: 'lead', reason: 'missed' })]);

    const reset = await call('POST', '/api/v1/detect/feedback', { kpi: 'errors', kind: 'reset' });
    expect(reset.body).toMatchObject({ steps: 0, reason: 'reset' });
    const bad = await call('POST', '/api/v1/detect/feedback', { kpi: 'nope', kind: 'sometimes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details?.map((d) => d.field)).toEqual(['kind']);
  });
});
