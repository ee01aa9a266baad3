import { createTransport, type Transporter } from 'nodemailer';
import type { ChannelConfig } from '../alerts/config.ts';
import { SMTP_CONNECTION_TIMEOUT_MS, SMTP_SOCKET_TIMEOUT_MS } from '../alerts/notifiers/email.ts';
import { SLACK_API_URL } from '@northstar/shared';
import { redact } from '../alerts/notifiers/per-alert.ts';
import { DEFAULT_RETRY_POLICY, postWithRetry, type HttpDeps, type RetryPolicy } from '../alerts/notifiers/retry.ts';
import { callSlack } from '../alerts/notifiers/slack-api-call.ts';
import { chartPng } from './charts.ts';
import type { Digest } from './content.ts';
import { digestHtml, digestSlack, digestSubject, digestText } from './render.ts';

/**
 * Sends one digest to one person on the channels the config names for them: email over
 * the SMTP server of an `email` channel (charts as inline PNG attachments, cid: links),
 * Slack through a `slack` channel's incoming webhook or its Web API mode (text with a text sparkline, and each
 * chart as an image only when the server is reachable from Slack: `publicCharts`).
 */

export type EmailChannel = Extract<ChannelConfig, { type: 'email' }>;
export type SlackChannel = Extract<ChannelConfig, { type: 'slack' }>;

export interface Recipient {
  person: string;
  email?: string;
  slack?: SlackChannel;
}

export interface SendResult {
  channel: 'email' | 'slack';
  ok: boolean;
  error: string;
}

export interface DigestSenderOptions {
  email?: EmailChannel;
  timezone: string;
  httpDeps?: HttpDeps;
  policy?: RetryPolicy;
}

export class DigestSender {
  readonly #transport: Transporter | undefined;

  constructor(private readonly options: DigestSenderOptions) {
    this.#transport = options.email
      ? createTransport({
          url: options.email.smtpUrl,
          connectionTimeout: SMTP_CONNECTION_TIMEOUT_MS,
          greetingTimeout: SMTP_CONNECTION_TIMEOUT_MS,
          socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
        })
      : undefined;
  }

  /** The channels this person can be reached on. */
  channelsFor(r: Recipient): Array<'email' | 'slack'> {
    return [...(r.email && this.#transport ? (['email'] as const) : []), ...(r.slack ? (['slack'] as const) : [])];
  }

  /** `chartUrl`: a chart image Slack can fetch, when the server is reachable from Slack (config publicCharts). */
  async send(
    digest: Digest,
    r: Recipient,
    unsubscribeUrl: string,
    only?: ReadonlySet<string>,
    chartUrl?: (kpiId: string) => string | null,
  ): Promise<SendResult[]> {
    const out: SendResult[] = [];
    for (const channel of this.channelsFor(r)) {
      if (only && !only.has(channel)) continue;
      try {
        if (channel === 'email') await this.#email(digest, r.email as string, unsubscribeUrl);
        else await this.#slack(digest, r.slack as SlackChannel, unsubscribeUrl, chartUrl);
        out.push({ channel, ok: true, error: '' });
      } catch (err) {
        out.push({ channel, ok: false, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return out;
  }

  async #email(digest: Digest, to: string, unsubscribeUrl: string): Promise<void> {
    const { email, timezone } = this.options;
    const cids = new Map(digest.kpis.map((k, i) => [k.id, `chart-${i}@northstar.digest`]));
    const opts = { timezone, unsubscribeUrl };
    await this.#transport?.sendMail({
      from: email?.from,
      to,
      subject: digestSubject(digest),
      text: digestText(digest, opts),
      html: `<!doctype html><html><body style="margin:0;background:#f3f4f6">${digestHtml(digest, opts, (id) => `cid:${cids.get(id)}`)}</body></html>`,
      // RFC 8058: the mail client's own unsubscribe button posts to the same link
      list: { unsubscribe: { url: unsubscribeUrl, comment: 'Unsubscribe from this digest' } },
      headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      attachments: digest.kpis.map((k, i) => ({
        filename: `chart-${i + 1}.png`,
        content: chartPng({ series: k.series, target: k.target, status: k.status }),
        cid: cids.get(k.id) as string,
        contentType: 'image/png',
      })),
    });
  }

  async #slack(digest: Digest, channel: SlackChannel, unsubscribeUrl: string, chartUrl?: (kpiId: string) => string | null): Promise<void> {
    const message = digestSlack(digest, { timezone: this.options.timezone, unsubscribeUrl }, chartUrl);
    const policy = this.options.policy ?? DEFAULT_RETRY_POLICY;
    if (channel.channelId !== undefined && channel.botToken !== undefined) {
      // a channel in Web API mode: the same message through chat.postMessage
      const r = await callSlack(
        {
          url: `${(channel.apiUrl ?? SLACK_API_URL).replace(/\/+$/, '')}/chat.postMessage`,
          token: channel.botToken,
          json: { channel: channel.channelId, ...message },
        },
        policy,
        this.options.httpDeps,
      );
      if (!r.ok) throw new Error(redact(r, [channel.botToken]).error ?? 'Slack refused the digest');
      return;
    }
    if (channel.url === undefined) throw new Error(`slack channel "${channel.id}" has neither an incoming-webhook url nor a bot token`);
    const result = await postWithRetry(
      {
        url: channel.url,
        body: JSON.stringify(message),
        headers: () => ({ 'content-type': 'application/json', 'user-agent': 'northstar-digests/1' }),
      },
      policy,
      this.options.httpDeps,
    );
    if (!result.ok) throw new Error(result.error ?? 'the Slack webhook refused the digest');
  }

  close(): void {
    this.#transport?.close();
  }
}
