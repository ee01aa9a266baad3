import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '@northstar/shared';
import { makeAlert } from '../apps/server/src/alerts/alerts.fixture.ts';
import type { NotificationBatch } from '../apps/server/src/alerts/notification.ts';
import { EmailNotifier } from '../apps/server/src/alerts/notifiers/email.ts';
import type { RetryPolicy } from '../apps/server/src/alerts/notifiers/retry.ts';
import { SlackNotifier } from '../apps/server/src/alerts/notifiers/slack.ts';
import { WebhookNotifier } from '../apps/server/src/alerts/notifiers/webhook.ts';
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp-receiver.ts';

// Real notifiers against real receivers on loopback: an HTTP server (node:http) and an
// SMTP server (smtp-server), both on 127.0.0.1 port 0.

const SECRET = 'integration-secret-0123456789';
/** Short delays so the test is quick; the schedule's shape is what is asserted, not its length. */
const POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 40, maxDelayMs: 1_000, maxTotalMs: 10_000, attemptTimeoutMs: 5_000 };

/** The fixture alert, critical, on a two-level path (KPI and its objective). */
function alert(over: Partial<Alert> = {}): Alert {
  return makeAlert({ severity: 'critical', path: makeAlert().path.slice(0, 2), ...over });
}

function batch(over: Partial<Alert> = {}, idempotencyKey = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'): NotificationBatch {
  return {
    groupKey: '0|rule=low-revenue',
    route: 0,
    channels: ['ops'],
    status: 'firing',
    entries: [{ event: 'firing', alert: alert(over) }],
    idempotencyKey,
    at: 1_000,
  };
}

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  raw: Buffer;
}

/** Answers by path: /flaky fails twice with 503 then accepts; /bad is 400; anything else 200. */
let http: Server;
let baseUrl: string;
const received: Received[] = [];
/** One log of requests and sleeps, in the order they happened. */
const log: string[] = [];

beforeAll(async () => {
  let flaky = 0;
  http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, headers: req.headers, raw: Buffer.concat(chunks) });
      log.push(`request ${path}`);
      if (path === '/flaky' && ++flaky <= 2) return void res.writeHead(503).end('busy');
      if (path === '/bad') return void res.writeHead(400).end('invalid payload');
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => http?.close(() => resolve()));
});

const recordingSleep = async (ms: number) => {
  log.push(`sleep ${ms}`);
  await delay(ms);
};

describe('webhook against a local receiver', () => {
  it('retries two 503s, then delivers: 3 attempts, one idempotency key, valid signatures, growing backoff', async () => {
    const n = new WebhookNotifier({ url: `${baseUrl}/flaky`, secret: SECRET, policy: POLICY, deps: { sleep: recordingSleep } });
    const result = await n.send(batch());
    expect(result).toEqual({ ok: true, attempts: 3, status: 200 });

    const hits = received.filter((r) => r.path === '/flaky');
    expect(hits).toHaveLength(3);
    const keys = new Set(hits.map((h) => h.headers['idempotency-key']));
    expect([...keys]).toEqual(['a1b2c3d4e5f60718293a4b5c6d7e8f90']);
    for (const h of hits) {
      // Recomputed here from the bytes that arrived, with the shared secret.
      const expected = `sha256=${createHmac('sha256', SECRET).update(h.raw).digest('hex')}`;
      expect(h.headers['x-northstar-signature']).toBe(expected);
      expect(h.headers['x-northstar-timestamp']).toMatch(/^\d{10}$/);
      expect(h.headers['content-type']).toBe('application/json');
      const body = JSON.parse(h.raw.toString('utf8'));
      expect(body).toMatchObject({ version: 1, idempotencyKey: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', status: 'firing' });
      expect(body.alerts[0]).toMatchObject({ kpi: 'revenue', event: 'firing', value: 80, threshold: 100 });
    }
    expect(new Set(hits.map((h) => h.raw.toString('utf8'))).size).toBe(1);

    // A pause before each retry, never after the last attempt, and the second not shorter than the first.
    const flakyLog = log.filter((l) => l === 'request /flaky' || l.startsWith('sleep'));
    expect(flakyLog.map((l) => l.split(' ')[0])).toEqual(['request', 'sleep', 'request', 'sleep', 'request']);
    const sleeps = flakyLog.filter((l) => l.startsWith('sleep')).map((l) => Number(l.split(' ')[1]));
    expect(sleeps[0]).toBeGreaterThan(0);
    expect(sleeps[1]).toBeGreaterThanOrEqual(sleeps[0] ?? Infinity);
  });

  it('does not retry a 400', async () => {
    const n = new WebhookNotifier({ url: `${baseUrl}/bad`, secret: SECRET, policy: POLICY, deps: { sleep: recordingSleep } });
    const result = await n.send(batch());
    expect(result).toMatchObject({ ok: false, attempts: 1, status: 400, error: 'HTTP 400: invalid payload' });
    expect(received.filter((r) => r.path === '/bad')).toHaveLength(1);
  });

  it('reports a refused connection as a failed delivery, bounded by maxAttempts', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const n = new WebhookNotifier({ url: `http://127.0.0.1:${port}/`, secret: SECRET, policy: { ...POLICY, maxAttempts: 2 } });
    const result = await n.send(batch());
    expect(result).toMatchObject({ ok: false, attempts: 2 });
    expect(result.error).toContain('gave up after 2 attempts');
  });
});

describe('Slack-compatible webhook against a local receiver', () => {
  it('posts { text, blocks } with the KPI, value vs threshold, path and owners', async () => {
    const n = new SlackNotifier({ url: `${baseUrl}/slack`, policy: POLICY });
    expect(await n.send(batch())).toEqual({ ok: true, attempts: 1, status: 200 });
    const hit = received.find((r) => r.path === '/slack');
    const body = JSON.parse(hit?.raw.toString('utf8') ?? '{}');
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
    expect(typeof body.text).toBe('string');
    expect(body.text).toContain('[CRITICAL] Firing: Revenue');
    expect(Array.isArray(body.blocks)).toBe(true);
    for (const b of body.blocks) expect(['section', 'context']).toContain(b.type);
    const detail = body.blocks[1].text;
    expect(detail.type).toBe('mrkdwn');
    expect(detail.text).toContain('80 vs threshold 100');
    expect(detail.text).toContain('Grow online sales (alice)');
    expect(detail.text).toContain('Owners: bob, alice');
  });
});

/** Undo quoted-printable (soft breaks and =XX bytes), then read as UTF-8. */
function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const unfolded = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < unfolded.length; i++) {
    const hex = unfolded.slice(i + 1, i + 3);
    if (unfolded[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(unfolded[i] ?? '', 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A header's RFC 2047 encoded words (=?UTF-8?Q?…?= or ?B?) decoded; blanks between two words dropped. */
function decodeHeader(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

/** The decoded body of the MIME part with this content type. */
function mimePart(raw: string, contentType: string): string {
  const boundary = /boundary="?([^";\r\n]+)"?/.exec(raw)?.[1];
  if (!boundary) throw new Error('not multipart');
  const part = raw.split(`--${boundary}`).find((p) => p.toLowerCase().includes(`content-type: ${contentType}`));
  if (!part) throw new Error(`no ${contentType} part`);
  const [head = '', ...rest] = part.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/content-transfer-encoding: quoted-printable/i.test(head)) return decodeQuotedPrintable(body);
  if (/content-transfer-encoding: base64/i.test(head)) return Buffer.from(body, 'base64').toString('utf8');
  return body;
}

describe('email against a local SMTP server', () => {
  let smtp: SmtpReceiver | undefined;
  let port = 0;
  const messages: Array<{ from: string; to: string[]; raw: string }> = [];

  beforeAll(async () => {
    smtp = await startSmtpReceiver((mail) => messages.push({ from: mail.from, to: mail.to, raw: mail.raw.toString('utf8') }));
    port = smtp.port;
  });
  afterAll(async () => {
    await smtp?.close();
  });

  it('delivers the alert with a subject of severity and KPI, and the KPI name escaped in the HTML', async () => {
    const n = new EmailNotifier({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'alerts@northstar.test', to: ['lead@northstar.test'] });
    try {
      const kpiName = 'Revenue <script>alert("x")</script>';
      expect(await n.send(batch({ kpiName }))).toEqual({ ok: true, attempts: 1 });
    } finally {
      n.close();
    }
    expect(messages).toHaveLength(1);
    const [m] = messages;
    expect(m?.from).toBe('alerts@northstar.test');
    expect(m?.to).toEqual(['lead@northstar.test']);
    const raw = m?.raw ?? '';
    const folded = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1] ?? '';
    const subject = decodeHeader(folded.replace(/\r?\n([ \t])/g, '$1'));
    expect(subject).toBe('[CRITICAL] Firing: Revenue <script>alert("x")</script>');
    expect(raw).toMatch(/^Message-ID: <a1b2c3d4e5f60718293a4b5c6d7e8f90@northstar\.alerts>/m);

    const html = mimePart(raw, 'text/html');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<strong>Revenue &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</strong>');
    expect(html).toContain('Grow online sales (alice)');
    const text = mimePart(raw, 'text/plain');
    expect(text).toContain('80 vs threshold 100 (critical)');
    expect(text).toContain('Objective path: Revenue (bob) › Grow online sales (alice)');
  });
});
