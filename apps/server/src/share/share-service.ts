import { SHARE_TOKEN_PATTERN, type ShareInfo, type ShareView } from '@northstar/shared';
import { randomBytes } from 'node:crypto';
import { randomSecret, sameSecret, sha256Hex } from '../auth/secrets.ts';
import type { Principal } from '../auth/types.ts';
import type { ShareRepo, ShareRow } from '../store/share-repo.ts';

/** A share link as stored: everything listed, and the SHA-256 of its token (the token itself is shown once). */
interface ShareRecord extends ShareInfo {
  hash: string;
}

/** What a token in hand is: a live link, or why it no longer opens. */
export type ShareLookupResult =
  | { state: 'ok'; share: ShareInfo }
  | { state: 'expired'; share: ShareInfo }
  | { state: 'revoked'; share: ShareInfo }
  | { state: 'unknown' };

/** A change that cannot be made (an unknown or already revoked link). */
export class ShareError extends Error {
  constructor(
    readonly status: 404 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function info({ hash: _hash, ...rest }: ShareRecord): ShareInfo {
  return rest;
}

/** What the service asks of the store (store/share-repo.ts). */
export type ShareRows = Pick<ShareRepo, 'current' | 'write'>;

export interface ShareServiceOptions {
  now?: () => number;
}

/**
 * Read-only links to one view: kept in memory (they are few) and written through to the
 * store, so a restart keeps them. A token opens its view until it expires or is revoked;
 * both end the live connections it let in (onEnded), as a revoked kiosk token does.
 */
export class ShareService {
  readonly #repo: ShareRows;
  readonly #now: () => number;
  readonly #shares = new Map<string, { version: number; record: ShareRecord }>();
  readonly #ended: Array<(credential: string) => void> = [];
  /** Links whose end was already told (expired or revoked), so each is told once. */
  readonly #told = new Set<string>();

  private constructor(repo: ShareRows, opts: ShareServiceOptions) {
    this.#repo = repo;
    this.#now = opts.now ?? Date.now;
  }

  static async load(repo: ShareRows, opts: ShareServiceOptions = {}): Promise<ShareService> {
    const service = new ShareService(repo, opts);
    await service.refresh();
    for (const { record } of service.#shares.values()) if (!service.#opens(record)) service.#told.add(record.id);
    return service;
  }

  /** Re-reads the links from the store: one revoked on another instance ends its connections here too. */
  async refresh(): Promise<void> {
    const rows = await this.#repo.current();
    for (const row of rows) {
      const record = JSON.parse(row.body) as ShareRecord;
      this.#shares.set(row.id, { version: row.version, record });
    }
    this.sweep();
  }

  onEnded(listener: (credential: string) => void): void {
    this.#ended.push(listener);
  }

  /** Tells onEnded listeners of every link that stopped opening (expired, or revoked elsewhere); run now and then. */
  sweep(): number {
    let n = 0;
    for (const { record } of this.#shares.values()) {
      if (this.#opens(record) || this.#told.has(record.id)) continue;
      this.#told.add(record.id);
      for (const listener of this.#ended) listener(`share:${record.id}`);
      n += 1;
    }
    return n;
  }

  #opens(record: ShareRecord): boolean {
    return record.revokedAt === null && (record.expiresAt === null || record.expiresAt > this.#now());
  }

  /** Every link, newest first, revoked and expired ones included (the list says which). */
  list(): ShareInfo[] {
    return [...this.#shares.values()].map(({ record }) => info(record)).sort((a, b) => b.createdAt - a.createdAt);
  }

  get(id: string): ShareInfo | undefined {
    const s = this.#shares.get(id);
    return s ? info(s.record) : undefined;
  }

  /** Makes a link; the answer carries its token, the only time it is ever shown. */
  async create(
    input: { view: ShareView; name: string; expiresInMs: number | null },
    by: string,
  ): Promise<{ token: string; info: ShareInfo }> {
    const now = this.#now();
    const id = randomBytes(6).toString('hex');
    const token = `nss_${id}_${randomSecret()}`;
    const record: ShareRecord = {
      id,
      name: input.name,
      view: input.view,
      createdBy: by,
      createdAt: now,
      expiresAt: input.expiresInMs === null ? null : now + input.expiresInMs,
      revokedAt: null,
      revokedBy: null,
      hash: sha256Hex(token),
    };
    await this.#put(record, 1, by);
    return { token, info: info(record) };
  }

  async revoke(id: string, by: string): Promise<ShareInfo> {
    const current = this.#shares.get(id);
    if (!current) throw new ShareError(404, 'not_found', `no share link with id "${id.slice(0, 64)}"`);
    if (current.record.revokedAt !== null) throw new ShareError(409, 'revoked', `share link "${id}" is already revoked`);
    const record: ShareRecord = { ...current.record, revokedAt: this.#now(), revokedBy: by };
    await this.#put(record, current.version + 1, by);
    this.sweep();
    return info(record);
  }

  async #put(record: ShareRecord, version: number, by: string): Promise<void> {
    const row: ShareRow = { id: record.id, version, body: JSON.stringify(record) };
    await this.#repo.write(row, by, this.#now());
    this.#shares.set(record.id, { version, record });
  }

  /** What a token is: its link, and whether it still opens. A token that does not match its link's hash is unknown. */
  lookup(token: string): ShareLookupResult {
    const id = SHARE_TOKEN_PATTERN.exec(token)?.[1];
    const record = id ? this.#shares.get(id)?.record : undefined;
    if (!record || !sameSecret(sha256Hex(token), record.hash)) return { state: 'unknown' };
    if (record.revokedAt !== null) return { state: 'revoked', share: info(record) };
    if (record.expiresAt !== null && record.expiresAt <= this.#now()) return { state: 'expired', share: info(record) };
    return { state: 'ok', share: info(record) };
  }

  /** The principal a live link's token stands for, or null: the auth guard and the WebSocket handshake ask this. */
  fromToken(token: string): Extract<Principal, { kind: 'share' }> | null {
    const found = this.lookup(token);
    return found.state === 'ok' ? { kind: 'share', id: found.share.id, view: found.share.view } : null;
  }
}
