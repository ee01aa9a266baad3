import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { every } from '../schedule/every.ts';
import { ShareService } from '../share/share-service.ts';
import { ShareRepo } from '../store/share-repo.ts';

/**
 * How often links are re-read from the store (revoked on another instance) and expired ones
 * looked for: the longest an expiry or a revocation elsewhere takes to close a page here.
 */
const SHARE_REFRESH_MS = 15_000;

/** Share links, kept fresh on a timer until `stop`; they exist with auth on or off. */
export async function startShares(client: ClickHouseClient, log: Logger) {
  const shares = await ShareService.load(new ShareRepo(client));
  const timer = every(
    SHARE_REFRESH_MS,
    () => shares.refresh(),
    (err) => log.warn({ err: err.message }, 'share links: re-reading failed'),
  );
  return { shares, stop: () => timer.stop() };
}
