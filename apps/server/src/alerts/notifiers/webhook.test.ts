import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeBatch } from '../batch.fixture.ts';
import { signBody, webhookPayload, WebhookNotifier } from './webhook.ts';

describe('webhook', () => {
  it('payload: version, idempotency key, group, status and the alerts with their paths', () => {
    const p = webhookPayload(makeBatch());
    expect(p).toMatchObject({
      version: 1,
      idempotencyKey: '0123456789abcdef0123456789abcdef',
      groupKey: '0|rule=low-revenue',
      status: 'firing',
    });
    expect(p.alerts).toHaveLength(1);
    expect(p.alerts[0]).toMatchObject({ event: 'firing', kpi: 'revenue', value: 80, threshold: 100, severity: 'warning' });
    expect(p.alerts[0]?.path.map((s) => s.id)).toEqual(['revenue', 'grow-sales', 'company']);
    expect(p.alerts[0]).not.toHaveProperty('feedback');
  });
  it('signs the raw body with HMAC-SHA256', () => {
    const expected = createHmac('sha256', 'secret-secret-secret').update('{"a":1}').digest('hex');
    expect(signBody('{"a":1}', 'secret-secret-secret')).toBe(`sha256=${expected}`);
  });
  it('sends the signed body with the idempotency key and timestamp headers', async () => {
    const seen: Array<{ headers: Record<string, string>; body: string }> = [];
    const fetchFn = (async (_url: string, init: RequestInit) => {
      seen.push({ headers: init.headers as Record<string, string>, body: init.body as string });
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    const n = new WebhookNotifier({
      url: 'http://127.0.0.1:1/',
      secret: 'secret-secret-secret',
      deps: { fetch: fetchFn, now: () => 1_700_000_000_500 },
    });
    expect(await n.send(makeBatch())).toEqual({ ok: true, attempts: 1, status: 204 });
    const [{ headers, body } = { headers: {}, body: '' }] = seen;
    expect(headers['idempotency-key']).toBe('0123456789abcdef0123456789abcdef');
    expect(headers['x-northstar-timestamp']).toBe('1700000000');
    expect(headers['x-northstar-signature']).toBe(signBody(body, 'secret-secret-secret'));
    expect(JSON.parse(body).idempotencyKey).toBe(headers['idempotency-key']);
  });
});
