import type { Logger } from 'pino';
import type { NotificationBatch } from '../alerts/notification.ts';
import type { Notifier, NotifyResult } from '../alerts/notifiers/notifier.ts';
import { decideSend, type SendDecision } from '../alerts/send-record.ts';
import type { Metrics } from '../observe/metrics.ts';
import type { AlertRepo } from '../store/alert-repo.ts';
import { reportStoreFailure } from './store-failure.ts';

export interface NotificationSenderDeps {
  notifiers: ReadonlyMap<string, Notifier>;
  repo: Pick<AlertRepo, 'addNotification' | 'markSent' | 'markIntent' | 'sendRecord'>;
  metrics: Metrics;
  log: Logger;
  /** Whether this instance still releases the batch (it owns every rule in it); asked right before sending. Default: yes. */
  releases?: (batch: NotificationBatch) => boolean;
  /** Epoch ms; a test's clock. Default: Date.now. */
  now?: () => number;
}

/**
 * Hands released batches to their channels, at most once per idempotency key and channel
 * (issue 17.2). The key is derived from the transitions told (alerts/idempotency.ts), so
 * the same batch released again, after a restart or by another instance, has the same key:
 * one already accepted by a channel (the store's record, shared by every instance) is not
 * sent again, and one in flight here is not sent twice. When the record cannot be read the
 * batch goes out anyway: a receiver can drop a duplicate by its key, a lost page stays lost.
 *
 * Every send is preceded by an intent in the store ('sending'), so a sender killed between
 * the channel's acceptance and the sent record leaves a trace: the next one to release the
 * batch sends it as uncertain (alerts/send-record.ts), and the notifier looks the message up
 * where it can (Slack's Web API) or marks it as a possible repeat where it cannot.
 */
export class NotificationSender {
  readonly #deps: NotificationSenderDeps;
  /** `${key}\n${channel}` sent or being sent by this instance. */
  readonly #claimed = new Set<string>();

  constructor(deps: NotificationSenderDeps) {
    this.#deps = deps;
  }

  send(batches: readonly NotificationBatch[]): Promise<void> {
    const sends: Array<Promise<void>> = [];
    for (const batch of batches) {
      for (const channel of batch.channels) {
        const notifier = this.#deps.notifiers.get(channel);
        if (!notifier) continue;
        const claim = `${batch.idempotencyKey}\n${channel}`;
        if (this.#claimed.has(claim)) continue;
        this.#claimed.add(claim);
        sends.push(
          this.#sendOnce(batch, channel, notifier).catch((err: unknown) => {
            this.#claimed.delete(claim);
            this.#deps.log.error({ channel, err: err instanceof Error ? err.message : String(err) }, 'notification send failed');
          }),
        );
      }
    }
    return Promise.all(sends).then(() => undefined);
  }

  async #sendOnce(batch: NotificationBatch, channel: string, notifier: Notifier): Promise<void> {
    const { repo, metrics, log } = this.#deps;
    const key = batch.idempotencyKey;
    const decision = await repo
      .sendRecord(key, channel)
      .then(decideSend)
      .catch((err: unknown): SendDecision => {
        log.warn({ channel, key, err: err instanceof Error ? err.message : String(err) }, 'could not read the sent record; sending');
        return { kind: 'new' };
      });
    if (decision.kind === 'sent') {
      metrics.notifications.inc({ channel, ok: 'already-sent' });
      log.info({ channel, key }, 'notification already sent; not sending again');
      return;
    }
    if (this.#deps.releases && !this.#deps.releases(batch)) {
      // the rule moved to another instance while the record was read: the new owner releases it
      this.#claimed.delete(`${key}\n${channel}`);
      metrics.notifications.inc({ channel, ok: 'not-owner' });
      log.info({ channel, key }, 'alert rule no longer owned here; not sending');
      return;
    }
    // the intent is durable before the channel is asked: a crash from here on is seen as uncertain
    const now = this.#deps.now ?? Date.now;
    const intentAt = now();
    await repo.markIntent(key, channel, 'sending', intentAt).catch((err: unknown) => {
      log.warn({ channel, key, err: err instanceof Error ? err.message : String(err) }, 'could not record the intent to send; sending');
    });
    const uncertainSinceMs = decision.kind === 'uncertain' ? decision.sinceMs : undefined;
    if (uncertainSinceMs !== undefined) log.warn({ channel, key, uncertainSinceMs }, 'an earlier send of this notification has no outcome');
    const r = await notifier.send(batch, uncertainSinceMs !== undefined ? { uncertainSinceMs } : {});
    // a notifier may also find its own unanswered post already shown (Slack's Web API)
    if (uncertainSinceMs !== undefined || r.alreadyShown) {
      metrics.notificationsUncertain.inc({ type: notifier.channelType ?? 'other', outcome: uncertainOutcome(r) });
    }
    metrics.notifications.inc({ channel, ok: r.alreadyShown ? 'already-shown' : String(r.ok) });
    const at = now();
    if (r.ok) await repo.markSent(key, channel, at).catch(reportStoreFailure(this.#deps, 'notification', key));
    else {
      this.#claimed.delete(`${key}\n${channel}`);
      // an answer that refused it: nothing is shown, the next try is not uncertain (no answer at all may have been shown)
      if (r.status !== undefined)
        await repo.markIntent(key, channel, 'refused', intentAt).catch(reportStoreFailure(this.#deps, 'notification', key));
    }
    for (const e of batch.entries) {
      await repo
        .addNotification({ key: e.alert.key, channel, kind: e.event, ok: r.ok, attempts: r.attempts, error: r.error ?? '', at })
        .catch(reportStoreFailure(this.#deps, 'notification', e.alert.key));
    }
    if (!r.ok) log.warn({ channel, error: r.error, attempts: r.attempts }, 'notification not delivered');
  }
}

/** How an uncertain send ended: found on the channel (not sent), sent again (marked, or folded by key), or not delivered. */
function uncertainOutcome(r: NotifyResult): string {
  if (r.alreadyShown) return 'already-shown';
  return r.ok ? 'sent-again' : 'not-delivered';
}
