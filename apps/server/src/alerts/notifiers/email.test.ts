import { describe, expect, it } from 'vitest';
import { makeBatch } from '../batch.fixture.ts';
import { EMAIL_MAX_ATTEMPTS, EmailNotifier, emailMessage, isTransientMailError, type MailMessage, type MailTransport } from './email.ts';

function fakeTransport(failures: unknown[] = []) {
  const sent: MailMessage[] = [];
  let calls = 0;
  const transport: MailTransport = {
    sendMail: async (m) => {
      calls++;
      const f = failures.shift();
      if (f) throw f;
      sent.push(m);
    },
    close: () => undefined,
  };
  return { transport, sent, calls: () => calls };
}

const smtpError = (responseCode: number) => Object.assign(new Error(`${responseCode} nope`), { responseCode });

describe('email message', () => {
  it('subject with severity and KPI, text and HTML with the path, Message-ID from the idempotency key', () => {
    const m = emailMessage(makeBatch(), 'alerts@example.com', ['lead@example.com']);
    expect(m.subject).toBe('[WARNING] Firing: Revenue');
    expect(m.text).toContain('Revenue: firing, 80 vs threshold 100 (warning)');
    expect(m.text).toContain('Objective path: Revenue (bob) › Grow online sales (alice) › Company (ceo)');
    expect(m.html).toContain('<strong>Revenue</strong>');
    expect(m.messageId).toBe('<0123456789abcdef0123456789abcdef@northstar.alerts>');
  });
  it('escapes every user-written field in the HTML, and keeps the subject on one line', () => {
    const evil = '<script>alert(1)</script>';
    const m = emailMessage(
      makeBatch({
        kpiName: `${evil}\r\nBcc: victim@example.com`,
        reason: evil,
        path: [{ kind: 'objective', id: 'o', name: evil, owner: evil }],
        acknowledged: { by: evil, at: 0, comment: '' },
      }),
      'a@example.com',
      ['b@example.com'],
    );
    expect(m.html).not.toContain('<script>');
    // title, KPI, reason, path name and owner, owners, acknowledged by
    expect(m.html.split('&lt;script&gt;').length - 1).toBe(7);
    expect(m.subject).not.toMatch(/[\r\n]/);
  });
});

describe('EmailNotifier', () => {
  const opts = { smtpUrl: 'smtp://127.0.0.1:1', from: 'a@example.com', to: ['b@example.com'], sleep: async () => undefined };
  it('sends once', async () => {
    const t = fakeTransport();
    expect(await new EmailNotifier({ ...opts, transport: t.transport }).send(makeBatch())).toEqual({ ok: true, attempts: 1 });
    expect(t.sent).toHaveLength(1);
  });
  it('retries a transient failure once, never more', async () => {
    const t = fakeTransport([smtpError(451), smtpError(451), smtpError(451)]);
    const r = await new EmailNotifier({ ...opts, transport: t.transport }).send(makeBatch());
    expect(r).toMatchObject({ ok: false, attempts: EMAIL_MAX_ATTEMPTS });
    expect(t.calls()).toBe(EMAIL_MAX_ATTEMPTS);
  });
  it('does not retry a permanent failure', async () => {
    const t = fakeTransport([smtpError(550)]);
    expect(await new EmailNotifier({ ...opts, transport: t.transport }).send(makeBatch())).toMatchObject({
      ok: false,
      attempts: 1,
      error: '550 nope',
    });
  });
  it('classifies failures', () => {
    expect(isTransientMailError(smtpError(421))).toBe(true);
    expect(isTransientMailError(smtpError(554))).toBe(false);
    expect(isTransientMailError(Object.assign(new Error('x'), { code: 'ECONNECTION' }))).toBe(true);
    expect(isTransientMailError(Object.assign(new Error('x'), { code: 'EAUTH' }))).toBe(false);
  });
});
