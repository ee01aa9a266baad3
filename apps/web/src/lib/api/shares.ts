import type { CreateShareInput } from '@northstar/shared';
import { call, client } from './client.ts';

/** Read-only share links under /api/v1/shares (see apps/server/src/http/share-routes.ts). */

const shares = client.api.v1.shares;

export const listShares = () => call(shares.$get());
export const createShare = (input: CreateShareInput) => call(shares.$post({ json: input }));
export const revokeShare = (id: string) => call(shares[':id'].$delete({ param: { id: encodeURIComponent(id) } }));
/** What the link in hand shows; sent with the link's token (setKioskToken) as its bearer. */
export const currentShare = () => call(shares.current.$get());
