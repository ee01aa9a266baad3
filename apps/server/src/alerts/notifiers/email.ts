import { setTimeout as delay } from 'node:timers/promises';
import { createTransport } from 'nodemailer';
import type { Alert } from '@northstar/shared';
import type { NotificationBatch, NotificationEntry } from '../notification.ts';
import { batchTitle, entryLabel, escapeHtml, pathOwners, pathText, valueVsThreshold } from './format.ts';
import type { Notifier, NotifyResult } from './notifier.ts';

/**
 * Email over SMTP (nodemailer, from a URL like smtp://user:pass@host:587). Plain text
 * plus a minimal HTML part in which everything user-written is escaped. No retry storm:
 * one retry, only for a transient failure (a 4xx SMTP reply or a dropped connection);
 * the Message-ID is derived from the idempotency key so that retry can be deduplicated.
 */

/** One retry after a short pause covers a greylisting or restarting relay; more is a storm. */
export const EMAIL_MAX_ATTEMPTS = 2;
export const EMAIL_RETRY_DELAY_MS = 5_000;
/** SMTP timeouts: a hung relay must not hold the dispatcher's send loop for minutes. */
export const SMTP_CONNECTION_TIMEOUT_MS = 10_000;
export const SMTP_SOCKET_TIMEOUT_MS = 30_000;

export interface MailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/** The part of a nodemailer transporter the notifier uses; tests may pass their own. */
export interface MailTransport {
  sendMail(message: MailMessage): Promise<unknown>;
  close(): void;
}

export interface EmailNotifierOptions {
  smtpUrl: string;
  from: string;
  to: string[];
  transport?: MailTransport;
  sleep?: (ms: number) => Promise<void>;
}

/** No CR or LF in a header: a KPI name must not add headers of its own. */
const oneLine = (s: string): string => s.replace(/[\r\n\t]+/g, ' ').trim();

function textPart(entry: NotificationEntry, a: Alert): string {
  const owners = pathOwners(a.path);
  return [
    `${a.kpiName}: ${entryLabel(entry).toLowerCase()}, ${valueVsThreshold(a)} (${a.severity})`,
    `  ${a.reason}`,
    `  Objective path: ${pathText(a.path)}`,
    ...(owners.length > 0 ? [`  Owners: ${owners.join(', ')}`] : []),
    ...(a.acknowledged ? [`  Acknowledged by ${a.acknowledged.by}`] : []),
  ].join('\n');
}

function htmlPart(entry: NotificationEntry, a: Alert): string {
  const owners = pathOwners(a.path);
  const e = escapeHtml;
  return [
    '<div style="margin:0 0 16px">',
    `<p style="margin:0"><strong>${e(a.kpiName)}</strong>: ${e(entryLabel(entry).toLowerCase())}, ${e(valueVsThreshold(a))} (${e(a.severity)})</p>`,
    `<p style="margin:0"><em>${e(a.reason)}</em></p>`,
    `<p style="margin:0">Objective path: ${e(pathText(a.path))}</p>`,
    ...(owners.length > 0 ? [`<p style="margin:0">Owners: ${e(owners.join(', '))}</p>`] : []),
    ...(a.acknowledged ? [`<p style="margin:0">Acknowledged by ${e(a.acknowledged.by)}</p>`] : []),
    '</div>',
  ].join('\n');
}

export function emailMessage(batch: NotificationBatch, from: string, to: string[]): MailMessage {
  const title = oneLine(batchTitle(batch));
  const text = [title, '', ...batch.entries.map((x) => textPart(x, x.alert))].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2 style="font-size:16px">${escapeHtml(title)}</h2>`,
    ...batch.entries.map((x) => htmlPart(x, x.alert)),
    '</body></html>',
  ].join('\n');
  return { from, to, subject: title, text, html, messageId: `<${batch.idempotencyKey}@northstar.alerts>` };
}

/** A 4xx reply (try again later) or a connection that failed or dropped. */
export function isTransientMailError(err: unknown): boolean {
  const e = err as { responseCode?: number; code?: string };
  if (typeof e?.responseCode === 'number') return e.responseCode >= 400 && e.responseCode < 500;
  return e?.code === 'ECONNECTION' || e?.code === 'ETIMEDOUT' || e?.code === 'ESOCKET';
}

export class EmailNotifier implements Notifier {
  readonly channelType = 'email' as const;
  private readonly transport: MailTransport;

  constructor(private readonly options: EmailNotifierOptions) {
    this.transport =
      options.transport ??
      createTransport({
        url: options.smtpUrl,
        connectionTimeout: SMTP_CONNECTION_TIMEOUT_MS,
        greetingTimeout: SMTP_CONNECTION_TIMEOUT_MS,
        socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
      });
  }

  async send(batch: NotificationBatch): Promise<NotifyResult> {
    const message = emailMessage(batch, this.options.from, this.options.to);
    const sleep = this.options.sleep ?? ((ms: number) => delay(ms));
    for (let attempt = 1; ; attempt++) {
      try {
        await this.transport.sendMail(message);
        return { ok: true, attempts: attempt };
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        if (attempt >= EMAIL_MAX_ATTEMPTS || !isTransientMailError(err)) return { ok: false, attempts: attempt, error };
        await sleep(EMAIL_RETRY_DELAY_MS);
      }
    }
  }

  close(): void {
    this.transport.close();
  }
}
