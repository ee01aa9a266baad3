/**
 * What the store knows of one batch (idempotency key) on one channel, and what the sender
 * does about it (issue 17.2). Before a batch goes to a channel the sender records an intent
 * ('sending'); when the channel accepts it, the sent record (as before); when the channel
 * answers with a refusal, 'refused'. A restarted instance or a new owner then tells apart:
 *
 * - sent: the channel accepted it; do not send again.
 * - uncertain: the last word is an intent with no outcome: the sender died (or lost its
 *   answer) after asking, so the channel may be showing it. A channel that can be read back
 *   (Slack's Web API) looks first; one that cannot (incoming webhooks) marks its re-send.
 * - new: never tried, or the last try was refused: send as usual.
 */

export type SendState = 'sending' | 'refused';

/** A row of the send record: `sent` from notification_keys, the others from notification_intents. */
export interface SendRecordRow {
  state: SendState | 'sent';
  at: number;
}

export type SendDecision = { kind: 'sent' } | { kind: 'new' } | { kind: 'uncertain'; sinceMs: number };

export function decideSend(rows: readonly SendRecordRow[]): SendDecision {
  if (rows.some((r) => r.state === 'sent')) return { kind: 'sent' };
  // the newest outcome decides; equal times (one millisecond) count the refusal, written after its intent
  const newest = [...rows].sort((a, b) => b.at - a.at || (a.state === 'refused' ? -1 : 1))[0];
  if (!newest || newest.state === 'refused') return { kind: 'new' };
  // the earliest intent: any try may have been shown, so a read-back starts before all of them
  const sinceMs = Math.min(...rows.filter((r) => r.state === 'sending').map((r) => r.at));
  return { kind: 'uncertain', sinceMs };
}
