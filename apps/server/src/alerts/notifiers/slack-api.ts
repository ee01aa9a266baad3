import { SLACK_API_URL } from '@northstar/shared';
import type { NotificationBatch } from '../notification.ts';
import type { Notifier, NotifyResult, SendContext } from './notifier.ts';
import { redact } from './per-alert.ts';
import { DEFAULT_RETRY_POLICY, type HttpDeps, type RetryPolicy } from './retry.ts';
import { callSlack } from './slack-api-call.ts';
import { slackMessage, type SlackMessage } from './slack.ts';

/**
 * Slack through its Web API (a bot token and a conversation id): `chat.postMessage` with the
 * batch's idempotency key in the message's metadata, so the conversation can be read back.
 * When an earlier try has no outcome (its sender died after asking, or the post got no
 * answer) `conversations.history` is read from a little before that try and the post is
 * skipped when a message carries the key: one message per transition, across crashes.
 */

/** The metadata event type every Northstar message carries; its payload holds the key. */
export const SLACK_EVENT_TYPE = 'northstar_notification';
/** How far before the earliest try the history is read: the instances' and Slack's clocks may differ by this much. */
export const HISTORY_SKEW_MS = 60_000;
/** Messages per history page (Slack allows up to 1000; it recommends 200 or fewer). */
const HISTORY_PAGE_SIZE = 200;
/** Pages read at most: a conversation this busy since the try is not searched further, the post is then marked instead. */
const MAX_HISTORY_PAGES = 10;
/** Look-then-post rounds when posts get no answer; the sender's next release takes over after. */
const MAX_POST_ROUNDS = 3;

export interface SlackApiMessage extends SlackMessage {
  channel: string;
  metadata: { event_type: typeof SLACK_EVENT_TYPE; event_payload: { idempotency_key: string } };
}

export function slackApiMessage(batch: NotificationBatch, channelId: string, context: SendContext = {}): SlackApiMessage {
  return {
    channel: channelId,
    ...slackMessage(batch, context),
    metadata: { event_type: SLACK_EVENT_TYPE, event_payload: { idempotency_key: batch.idempotencyKey } },
  };
}

/** Whether a message of conversations.history is the one with this key. */
export function carriesKey(message: unknown, key: string): boolean {
  if (typeof message !== 'object' || message === null) return false;
  const metadata = (message as { metadata?: { event_type?: unknown; event_payload?: { idempotency_key?: unknown } } }).metadata;
  return metadata?.event_type === SLACK_EVENT_TYPE && metadata.event_payload?.idempotency_key === key;
}

/** Slack's timestamps are seconds with six decimals. */
export const slackTs = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(6);

export interface SlackApiNotifierOptions {
  botToken: string;
  channelId: string;
  /** Default https://slack.com/api. */
  apiUrl?: string;
  policy?: RetryPolicy;
  deps?: HttpDeps;
}

type LookUp = { shown: boolean; attempts: number; error?: string };

export class SlackApiNotifier implements Notifier {
  readonly channelType = 'slack' as const;
  readonly #o: SlackApiNotifierOptions;

  constructor(options: SlackApiNotifierOptions) {
    this.#o = options;
  }

  #method(name: string): string {
    return `${(this.#o.apiUrl ?? SLACK_API_URL).replace(/\/+$/, '')}/${name}`;
  }

  async send(batch: NotificationBatch, context: SendContext = {}): Promise<NotifyResult> {
    const now = this.#o.deps?.now ?? Date.now;
    let since = context.uncertainSinceMs;
    let attempts = 0;
    let last: NotifyResult = { ok: false, attempts: 0, error: 'not sent' };
    for (let round = 0; round < MAX_POST_ROUNDS; round++) {
      let unreadable = false;
      if (since !== undefined) {
        const look = await this.#lookUp(batch.idempotencyKey, since);
        attempts += look.attempts;
        if (look.shown) return { ok: true, attempts, alreadyShown: true };
        // not readable (a missing scope, too busy a conversation): post, marked as a possible repeat
        unreadable = look.error !== undefined;
      }
      const askedAt = now();
      const message = slackApiMessage(batch, this.#o.channelId, unreadable && since !== undefined ? { uncertainSinceMs: since } : {});
      const r = await callSlack(
        { url: this.#method('chat.postMessage'), token: this.#o.botToken, json: message, retryUnanswered: false },
        this.#o.policy ?? DEFAULT_RETRY_POLICY,
        this.#o.deps,
      );
      attempts += r.attempts;
      last = r.ok
        ? { ok: true, attempts, status: r.status }
        : { ok: false, attempts, ...(r.status !== undefined ? { status: r.status } : {}), error: r.error };
      // answered (accepted or refused): done; no answer: Slack may show it, so look before posting again
      if (r.ok || r.status !== undefined) break;
      since ??= askedAt;
    }
    return redact(last, [this.#o.botToken]);
  }

  /** Reads the conversation from a little before `sinceMs` for a message carrying `key`. */
  async #lookUp(key: string, sinceMs: number): Promise<LookUp> {
    let attempts = 0;
    let cursor = '';
    for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
      const url = new URL(this.#method('conversations.history'));
      url.searchParams.set('channel', this.#o.channelId);
      url.searchParams.set('oldest', slackTs(sinceMs - HISTORY_SKEW_MS));
      url.searchParams.set('include_all_metadata', 'true');
      url.searchParams.set('limit', String(HISTORY_PAGE_SIZE));
      if (cursor) url.searchParams.set('cursor', cursor);
      const r = await callSlack({ url: url.href, token: this.#o.botToken }, this.#o.policy ?? DEFAULT_RETRY_POLICY, this.#o.deps);
      attempts += r.attempts;
      if (!r.ok) return { shown: false, attempts, error: r.error };
      const messages = Array.isArray(r.body.messages) ? r.body.messages : [];
      if (messages.some((m) => carriesKey(m, key))) return { shown: true, attempts };
      const next = (r.body.response_metadata as { next_cursor?: unknown } | undefined)?.next_cursor;
      if (r.body.has_more !== true || typeof next !== 'string' || next === '') return { shown: false, attempts };
      cursor = next;
    }
    return { shown: false, attempts, error: `more than ${MAX_HISTORY_PAGES * HISTORY_PAGE_SIZE} messages since the try` };
  }
}
