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
