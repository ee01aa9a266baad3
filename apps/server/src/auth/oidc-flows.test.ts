import { describe, expect, it } from 'vitest';
import type { PendingFlowStore } from '../store/oidc-flow-repo.ts';
import { memoryFlowStore, PendingFlows, type PendingFlow } from './oidc-flows.ts';
import { sha256Hex } from './secrets.ts';

const flow = (expiresAt: number): PendingFlow => ({
  state: 'state-1',
  nonce: 'nonce-1',
  verifier: 'verifier-secret-1',
  redirectUri: 'https://wall.example.com/api/v1/auth/oidc/callback',
  next: '/kpi/x',
  expiresAt,
});

/** The memory store, recording what reaches it (what a reader of the shared store would see). */
function spied() {
  const inner = memoryFlowStore();
  const saved: Array<{ key: string; sealed: string }> = [];
  const store: PendingFlowStore = {
    save: (key, sealed, at) => {
      saved.push({ key, sealed });
      return inner.save(key, sealed, at);
    },
    take: (key, now) => inner.take(key, now),
    live: (now) => inner.live(now),
  };
  return { store, saved };
}

describe('pending sign-ins', () => {
  it('keeps nothing readable in the store: found by the cookie hash, opened only with the cookie', async () => {
    const { store, saved } = spied();
    const flows = new PendingFlows(store);
    await flows.put('cookie-a', flow(10_000));
    expect(saved[0]!.key).toBe(sha256Hex('cookie-a'));
    const stored = Buffer.from(saved[0]!.sealed, 'base64').toString('latin1');
    expect(stored).not.toContain('verifier-secret-1');
    expect(stored).not.toContain('nonce-1');
    expect(await flows.take('cookie-a', 1_000)).toEqual(flow(10_000));
  });

  it('gives a flow once, never after it expired, and never under another cookie', async () => {
    const flows = new PendingFlows(memoryFlowStore());
    await flows.put('c1', flow(10_000));
    expect(await flows.take('c1', 1_000)).toBeDefined();
    expect(await flows.take('c1', 1_000)).toBeUndefined();
    await flows.put('c2', flow(10_000));
    expect(await flows.take('c2', 10_000)).toBeUndefined();
    expect(await flows.take('c3', 1_000)).toBeUndefined();
  });

  it('refuses a sealed flow that was changed or sealed under another cookie', async () => {
    const { store, saved } = spied();
    const flows = new PendingFlows(store);
    await flows.put('c1', flow(10_000));
    // another row placed under c1's key: sealed with c2's cookie, or bytes flipped
    const forged = new PendingFlows({ ...store, take: () => Promise.resolve(saved[0]!.sealed) });
    expect(await forged.take('c2', 1_000)).toBeUndefined();
    const raw = Buffer.from(saved[0]!.sealed, 'base64');
    raw[raw.length - 1]! ^= 1;
    const flipped = new PendingFlows({ ...store, take: () => Promise.resolve(raw.toString('base64')) });
    expect(await flipped.take('c1', 1_000)).toBeUndefined();
  });

  it('counts the live, unused flows', async () => {
    const flows = new PendingFlows(memoryFlowStore());
    await flows.put('a', flow(10_000));
    await flows.put('b', flow(20_000));
    await flows.take('a', 1_000);
    expect(await flows.live(1_000)).toBe(1);
    expect(await flows.live(20_000)).toBe(0);
  });
});
