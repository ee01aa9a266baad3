import { describe, expect, it } from 'vitest';
import type { AuthKind, AuthRepo, AuthRow } from '../store/auth-repo.ts';
import { AuthService } from './auth-service.ts';

/** The store's contract in memory: newest version per (kind, id) in force, a null body ends it. */
function memoryRepo(): AuthRepo {
  const rows: AuthRow[] = [];
  const newest = (kind: AuthKind, id: string) =>
    rows.filter((r) => r.kind === kind && r.id === id).sort((a, b) => b.version - a.version)[0] ?? null;
  return {
    current: async (kind: AuthKind) =>
      [...new Set(rows.filter((r) => r.kind === kind).map((r) => r.id))].map((id) => newest(kind, id)!).filter((r) => r.body !== null),
    one: async (kind: AuthKind, id: string) => {
      const r = newest(kind, id);
      return r && r.body !== null ? r : null;
    },
    write: async (row: AuthRow) => {
      rows.push(row);
    },
    // rows of one version keep the order the store got them in, and the first of them wins, as in the store
    create: async (row: AuthRow) => {
      rows.push(row);
    },
  } as unknown as AuthRepo;
}

describe('AuthService', () => {
  it('creates one admin when two instances bootstrap an empty store at once: the other is told, and no password it prints fails', async () => {
    const repo = memoryRepo();
    // both loaded before either wrote: each sees an empty store
    const [a, b] = await Promise.all([1, 2].map(() => AuthService.load(repo, { sessionMs: 60_000 })));
    const boots = await Promise.all([a!.bootstrap(), b!.bootstrap()]);
    expect(boots.map((x) => x?.username)).toEqual(['admin', 'admin']);
    const printed = boots.filter((x) => x?.password).map((x) => x!.password!);
    expect(printed).toHaveLength(1);
    // the password printed signs in on both instances, now and after a reload
    expect(await a!.login('admin', printed[0]!)).not.toBeNull();
    expect(await b!.login('admin', printed[0]!)).not.toBeNull();
    const reloaded = await AuthService.load(repo, { sessionMs: 60_000 });
    expect(await reloaded.login('admin', printed[0]!)).not.toBeNull();
    expect(reloaded.userCount).toBe(1);
  });

  it('ends a session when it expires, and keeps users, tokens and sessions across a reload', async () => {
    let now = 1_000_000;
    const repo = memoryRepo();
    const auth = await AuthService.load(repo, { sessionMs: 60_000, now: () => now });
    const boot = await auth.bootstrap();
    expect(boot?.username).toBe('admin');
    expect(await auth.bootstrap()).toBeNull();
    const login = await auth.login('admin', boot!.password!);
    expect(await auth.fromSession(login!.sessionId)).toMatchObject({ kind: 'user', name: 'admin', role: 'admin' });
    const { token } = await auth.createToken({ kind: 'api', name: 'feed', scopes: ['ingest'] }, 'admin');

    const reloaded = await AuthService.load(repo, { sessionMs: 60_000, now: () => now });
    expect(await reloaded.bootstrap()).toBeNull();
    expect(await reloaded.fromSession(login!.sessionId)).toMatchObject({ name: 'admin' });
    expect(reloaded.fromToken(token)).toMatchObject({ kind: 'token', name: 'feed', scopes: ['ingest'] });

    const ended: string[] = [];
    reloaded.onEnded((credential) => ended.push(credential));
    expect(reloaded.sweepExpired()).toBe(0);
    now += 60_000;
    expect(reloaded.sweepExpired()).toBe(1);
    expect(ended).toEqual([expect.stringMatching(/^session:[0-9a-f]{64}$/)]);
    expect(await reloaded.fromSession(login!.sessionId)).toBeNull();
    expect(await auth.fromSession(login!.sessionId)).toBeNull();
  });

  it('refuses a wrong password and a token that differs in one character', async () => {
    const auth = await AuthService.load(memoryRepo(), { sessionMs: 60_000 });
    await auth.createUser({ name: 'ana', role: 'viewer', password: 'ana-password-1' }, 'test');
    expect(await auth.login('ana', 'ana-password-2')).toBeNull();
    expect(await auth.login('bob', 'ana-password-1')).toBeNull();
    const { token } = await auth.createToken({ kind: 'kiosk', name: 'tv', board: 'ops' }, 'ana');
    expect(auth.fromToken(token)).toEqual({ kind: 'kiosk', id: expect.any(String), board: 'ops' });
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(auth.fromToken(tampered)).toBeNull();
  });

  it('applies users and tokens changed on another instance after a refresh, ending their connections', async () => {
    const repo = memoryRepo();
    const a = await AuthService.load(repo, { sessionMs: 60_000 });
    const b = await AuthService.load(repo, { sessionMs: 60_000 });
    const { token, info } = await a.createToken({ kind: 'api', name: 'feed', scopes: ['read'] }, 'admin');
    await a.createUser({ name: 'ana', role: 'editor', password: 'ana-password-1' }, 'admin');
    expect(b.fromToken(token)).toBeNull();
    await b.refresh();
    expect(b.fromToken(token)).toMatchObject({ name: 'feed' });
    expect(await b.login('ana', 'ana-password-1')).not.toBeNull();

    const ended: string[] = [];
    b.onEnded((credential) => ended.push(credential));
    await a.revokeToken(info.id, 'admin');
    await a.updateUser('ana', { role: 'viewer' }, 'admin');
    await b.refresh();
    expect(b.fromToken(token)).toBeNull();
    expect(ended.sort()).toEqual([`token:${info.id}`, 'user:ana']);
  });

  it('ends on every instance a session signed out on one, at the next refresh', async () => {
    const repo = memoryRepo();
    const a = await AuthService.load(repo, { sessionMs: 60_000 });
    await a.createUser({ name: 'ana', role: 'editor', password: 'ana-password-1' }, 'admin');
    const b = await AuthService.load(repo, { sessionMs: 60_000 });
    const session = (await a.login('ana', 'ana-password-1'))!;
    const other = (await a.login('ana', 'ana-password-1'))!;
    const who = await b.fromSession(session.sessionId);
    expect(who).toMatchObject({ name: 'ana' });
    expect(await b.fromSession(other.sessionId)).toMatchObject({ name: 'ana' });
    const ended: string[] = [];
    b.onEnded((credential) => ended.push(credential));
    await a.logout(who!.sessionHash);
    await b.refresh();
    expect(await b.fromSession(session.sessionId)).toBeNull();
    expect(await b.fromSession(other.sessionId)).toMatchObject({ name: 'ana' });
    expect(ended).toEqual([`session:${who!.sessionHash}`]);
  });
});
