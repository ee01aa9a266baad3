import type { ClientMessage } from '@northstar/shared';
import type { Client } from './client.ts';
import { buildDelta, wholeUpdate, type EncodedUpdate } from './frames.ts';
import type { LiveJournal } from './journal.ts';
import { Subscription } from './subscription.ts';

type ScopeMessage = Extract<ClientMessage, { type: 'subscribe' | 'unsubscribe' }>;

/**
 * A client changes what it follows. Returns the catch-up frame it needs, or null: KPIs new
 * to its scope changed without it, so their newest comes whole, and later patches apply.
 * A restricted connection's scope is not its to change (the caller does not pass it here).
 */
export function changeScope(
  client: Client,
  msg: ScopeMessage,
  journal: LiveJournal,
  kpisUnder: (objectiveId: string) => readonly string[],
): Buffer | null {
  if (msg.type === 'unsubscribe') {
    // a client that never subscribed gets everything; "everything but" is not a scope
    if (!client.sub) return null;
    client.sub.remove(msg);
    client.sub.resolve(kpisUnder);
    return null;
  }
  const before = client.sub;
  const hadIds = before ? before.ids : null;
  client.sub ??= new Subscription();
  client.sub.add(msg);
  client.sub.resolve(kpisUnder);
  // a first subscription narrows "everything"; a client waiting for a snapshot gets it all there
  if (!before || hadIds === null || client.awaiting !== undefined) return null;
  // one that fell behind is caught up with what changed in its scope: KPIs new to it need a snapshot
  if (client.needsSnapshot) {
    client.heldCursor = 0;
    return null;
  }
  const catchUp: EncodedUpdate[] = [];
  for (const e of journal.entries()) {
    if (!hadIds.has(e.id) && client.sub.includes(e.id)) catchUp.push(wholeUpdate(e));
  }
  return buildDelta(catchUp, '[]');
}
