import { call, client } from './client.ts';

/** Review digests (apps/server/src/http/digest-routes.ts): the preview, "send me this now", and one's own subscriptions. */

export type DigestPreview = Awaited<ReturnType<typeof digestPreview>>;
export type DigestSubscription = Awaited<ReturnType<typeof digestSubscriptions>>[number];

export function digestPreview(objective: string) {
  return call(client.api.v1.digests.objectives[':id'].preview.$get({ param: { id: encodeURIComponent(objective) } }));
}

export function sendDigestToMe(objective: string) {
  return call(client.api.v1.digests.objectives[':id'].send.$post({ param: { id: encodeURIComponent(objective) } }));
}

export function digestSubscriptions() {
  return call(client.api.v1.digests.subscriptions.$get());
}

export function setDigestSubscription(objective: string, subscribed: boolean) {
  return call(
    client.api.v1.digests.subscriptions[':objective'].$put({ param: { objective: encodeURIComponent(objective) }, json: { subscribed } }),
  );
}
