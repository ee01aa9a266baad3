/**
 * What the store knows of one batch (idempotency key) on one channel, and what the sender
 * does about it (issue 17.2). Before a batch goes to a channel the sender records an intent
 * ('sending'); when the channel accepts it, the sent record (as before); when the channel
 * answers with a refusal, 'refused'. A restarted instance or a new owner then tells apart:
 *
 * - sent: the channel accepted it; do not send again.
 * - uncertain: an intent with no answer (no sent record, no refusal naming it): the sender
 *   died, or got no answer, after asking, so the channel may be showing it. A channel that
 *   can be read back (Slack's Web API) looks first; one that cannot (incoming webhooks)
 *   marks its re-send as a possible repeat.
 * - new: never tried, or every try was refused: send as usual.
 */

export type SendState = 'sending' | 'refused';

/**
 * How long the store keeps a send record row (notification_keys and notification_intents,
 * migration 15), counted from the row's own time. A key is asked about again only while its
 * batch can be released again: a notifier's retries (minutes), a batch in flight during a
 * take-over (HANDOVER_GRACE_MS) and, longest, the firing of a still-firing alert, retold after
 * every restart or take-over with its episode's key (Dispatcher.retell). The retell is bounded
 * by RETELL_MAX_AGE_DAYS, a day short of this (the engine's clock and an instance's may differ),
 * so every key that can come back finds its record. A month is also as long as sessions are
 * kept (auth_records). A change here needs a new migration: the test compares the two.
 */
export const SEND_RECORD_DAYS = 30;

/** A firing whose episode began longer ago than this is not retold: its send record may be gone (SEND_RECORD_DAYS). */
export const RETELL_MAX_AGE_DAYS = SEND_RECORD_DAYS - 1;

/**
 * A row of the send record: `sent` from notification_keys, the others from
 * notification_intents. A refusal carries the time of the intent it answers, so the pair is
 * matched exactly (two rows' own times can fall in the same millisecond).
 */
export interface SendRecordRow {
  state: SendState | 'sent';
  at: number;
}

export type SendDecision = { kind: 'sent' } | { kind: 'new' } | { kind: 'uncertain'; sinceMs: number };

export function decideSend(rows: readonly SendRecordRow[]): SendDecision {
  if (rows.some((r) => r.state === 'sent')) return { kind: 'sent' };
  const refused = new Set(rows.filter((r) => r.state === 'refused').map((r) => r.at));
  const unanswered = rows.filter((r) => r.state === 'sending' && !refused.has(r.at)).map((r) => r.at);
  if (unanswered.length === 0) return { kind: 'new' };
  // the earliest try without an answer: any of them may be shown, so a read-back starts before all
  return { kind: 'uncertain', sinceMs: Math.min(...unanswered) };
}
