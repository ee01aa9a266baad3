import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { PendingFlowStore } from '../store/oidc-flow-repo.ts';
import { sha256Hex } from './secrets.ts';

/** What a pending sign-in must remember between the redirect to the provider and its answer. */
export interface PendingFlow {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  /** The page of the app to return to. */
  next: string;
  expiresAt: number;
}

/**
 * Pending sign-ins, kept where every instance can finish them (the store), sealed with
 * AES-256-GCM under a key derived from the browser's flow cookie: whoever reads the store
 * (a backup, another tool) learns no PKCE verifier or nonce, and a row is found by the
 * cookie's SHA-256 alone. Without the cookie a flow can be neither found nor opened.
 */
export class PendingFlows {
  readonly #store: PendingFlowStore;

  constructor(store: PendingFlowStore) {
    this.#store = store;
  }

  async put(flowId: string, flow: PendingFlow): Promise<void> {
    await this.#store.save(sha256Hex(flowId), seal(flowId, flow), flow.expiresAt);
  }

  /** The flow this cookie started, once; undefined when unknown, expired, used, or sealed under another cookie. */
  async take(flowId: string, nowMs: number): Promise<PendingFlow | undefined> {
    const sealed = await this.#store.take(sha256Hex(flowId), nowMs);
    if (sealed === undefined) return undefined;
    const flow = open(flowId, sealed);
    return flow && flow.expiresAt > nowMs ? flow : undefined;
  }

  live(nowMs: number): Promise<number> {
    return this.#store.live(nowMs);
  }
}

const sealKey = (flowId: string) => createHash('sha256').update(`northstar oidc flow seal\0${flowId}`).digest();

function seal(flowId: string, flow: PendingFlow): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(flowId), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(flow), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function open(flowId: string, sealed: string): PendingFlow | undefined {
  try {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', sealKey(flowId), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as PendingFlow;
  } catch {
    // tampered with, or not sealed under this cookie
    return undefined;
  }
}

/** Pending flows in this process only: for a lone OidcSignIn (tests of the flow itself). */
export function memoryFlowStore(): PendingFlowStore {
  const rows = new Map<string, { sealed: string; expiresAt: number; used: boolean }>();
  return {
    save: (key, sealed, expiresAt) => {
      rows.set(key, { sealed, expiresAt, used: false });
      return Promise.resolve();
    },
    take: (key, now) => {
      const row = rows.get(key);
      if (!row || row.used || row.expiresAt <= now) return Promise.resolve(undefined);
      row.used = true;
      return Promise.resolve(row.sealed);
    },
    live: (now) => {
      for (const [k, r] of rows) if (r.expiresAt <= now || r.used) rows.delete(k);
      return Promise.resolve(rows.size);
    },
  };
}
