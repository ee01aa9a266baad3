import type { AuthRepo, AuthRow } from '../store/auth-repo.ts';
import { decoyHash, hashPassword, randomPassword, verifyPassword } from './passwords.ts';
import { newToken, randomSecret, sameSecret, sha256Hex, tokenId } from './secrets.ts';
import type { Principal, Role, Scope, SessionRecord, ShareLookup, TokenInfo, TokenRecord, UserInfo, UserRecord } from './types.ts';

/** A change the caller asked for that cannot be made, with the HTTP status that says why. */
export class AuthError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function ssoPassword(name: string): AuthError {
  return new AuthError(409, 'sso_account', `"${name}" signs in with single sign-on; the identity provider keeps the password`);
}

export interface StartedSession {
  /** The cookie value; only its hash is stored. */
  sessionId: string;
  session: SessionRecord;
  role: Role;
}

/** The first-run admin: its one-time password, or null when another instance created it at the same moment. */
export interface BootstrapAdmin {
  username: string;
  password: string | null;
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const BOOTSTRAP_USER = 'admin';

export interface AuthServiceOptions {
  sessionMs: number;
  /** NORTHSTAR_API_TOKEN: a pre-provisioned admin-scope machine token, never stored. */
  envToken?: string;
  now?: () => number;
}

interface Versioned<T> {
  version: number;
  value: T;
}

function parse<T>(r: AuthRow): Versioned<T> {
  return { version: r.version, value: JSON.parse(r.body as string) as T };
}

function userInfo(u: UserRecord): UserInfo {
  return { name: u.name, role: u.role, createdAt: u.createdAt };
}

function withoutHash({ hash: _hash, ...info }: TokenRecord): TokenInfo {
  return info;
}

/**
 * Users, machine and kiosk tokens, and sessions: kept in memory (they are few) and
 * written through to the store as versioned rows, so a restart keeps them.
 */
export class AuthService {
  readonly #repo: AuthRepo;
  readonly #opts: AuthServiceOptions;
  readonly #users = new Map<string, Versioned<UserRecord>>();
  readonly #tokens = new Map<string, Versioned<TokenRecord>>();
  /** By SHA-256 of the session id (the cookie value is never stored). */
  readonly #sessions = new Map<string, Versioned<SessionRecord>>();
  /** Tokens that live only as long as this process (the demo producer's). */
  readonly #ephemeral = new Map<string, { name: string; scopes: Scope[] }>();
  readonly #envTokenHash: string | undefined;
  readonly #ended: Array<(credential: string) => void> = [];
  #shares: ShareLookup | undefined;

  private constructor(repo: AuthRepo, opts: AuthServiceOptions) {
    this.#repo = repo;
    this.#opts = opts;
    this.#envTokenHash = opts.envToken ? sha256Hex(opts.envToken) : undefined;
  }

  static async load(repo: AuthRepo, opts: AuthServiceOptions): Promise<AuthService> {
    const service = new AuthService(repo, opts);
    const now = service.#now();
    await service.refresh();
    for (const r of await repo.current('session')) {
      const s = parse<SessionRecord>(r);
      if (s.value.expiresAt > now) service.#sessions.set(r.id, s);
    }
    return service;
  }

  /**
   * Re-reads users and tokens from the store: changes made on another instance take effect
   * here, and live connections of a user changed or a token revoked there are closed. So do
   * sessions held here that another instance ended (a sign-out there).
   */
  async refresh(): Promise<void> {
    // only sessions held before the read: one started here meanwhile is not in what was read
    const heldSessions = [...this.#sessions.keys()];
    const liveSessions = heldSessions.length > 0 ? new Set((await this.#repo.current('session')).map((r) => r.id)) : new Set<string>();
    for (const hash of heldSessions) {
      if (liveSessions.has(hash) || !this.#sessions.has(hash)) continue;
      this.#sessions.delete(hash);
      this.#end(`session:${hash}`);
    }
    const users = new Map((await this.#repo.current('user')).map((r) => [r.id, parse<UserRecord>(r)]));
    const tokens = new Map((await this.#repo.current('token')).map((r) => [r.id, parse<TokenRecord>(r)]));
    const changed = (a: Versioned<unknown> | undefined, b: Versioned<unknown> | undefined) => a?.version !== b?.version;
    const endedUsers = [...this.#users.keys()].filter((name) => changed(this.#users.get(name), users.get(name)));
    const endedTokens = [...this.#tokens.keys()].filter((id) => !tokens.has(id));
    this.#users.clear();
    for (const [k, v] of users) this.#users.set(k, v);
    this.#tokens.clear();
    for (const [k, v] of tokens) this.#tokens.set(k, v);
    for (const name of endedUsers) this.#end(`user:${name}`);
    for (const id of endedTokens) this.#end(`token:${id}`);
  }

  #now(): number {
    return (this.#opts.now ?? Date.now)();
  }

  /**
   * Told the credential key (see credentialsOf) of every session that ends, user that changes
   * and token that is revoked, so live connections let in with it can be closed.
   */
  onEnded(listener: (credential: string) => void): void {
    this.#ended.push(listener);
  }

  #end(credential: string): void {
    for (const listener of this.#ended) listener(credential);
  }

  /** Forgets sessions past their expiry and tells onEnded listeners; run now and then. */
  sweepExpired(): number {
    const now = this.#now();
    let n = 0;
    for (const [hash, s] of this.#sessions) {
      if (s.value.expiresAt > now) continue;
      this.#sessions.delete(hash);
      this.#end(`session:${hash}`);
      n += 1;
    }
    return n;
  }

  get userCount(): number {
    return this.#users.size;
  }

  /**
   * First start with auth on: an `admin` with a random password, returned once to be printed
   * once. Instances sharing an empty store may all get here at the same moment: each creates
   * its admin, then reads which one the store keeps (the first it received); the others learn
   * the admin was made elsewhere (`password: null`) instead of printing one that does not work.
   */
  async bootstrap(): Promise<BootstrapAdmin | null> {
    if (this.#users.size > 0) return null;
    const password = randomPassword();
    const user: UserRecord = {
      name: BOOTSTRAP_USER,
      role: 'admin',
      passwordHash: await hashPassword(password),
      createdAt: this.#now(),
      sessionsValidAfter: 0,
    };
    const body = JSON.stringify(user);
    await this.#repo.create({ kind: 'user', id: BOOTSTRAP_USER, version: 1, body }, 'bootstrap');
    const kept = await this.#repo.one('user', BOOTSTRAP_USER);
    if (!kept) throw new Error('the admin just created is not in the store');
    this.#users.set(BOOTSTRAP_USER, parse<UserRecord>(kept));
    return { username: BOOTSTRAP_USER, password: kept.body === body ? password : null };
  }

  // ---------------------------------------------------------------- users

  users(): UserInfo[] {
    return [...this.#users.values()].map(({ value }) => userInfo(value));
  }

  async createUser(input: { name: string; role: Role; password: string }, by: string): Promise<UserInfo> {
    if (this.#users.has(input.name)) throw new AuthError(409, 'exists', `a user named "${input.name}" exists`);
    const now = this.#now();
    const user: UserRecord = {
      name: input.name,
      role: input.role,
      passwordHash: await hashPassword(input.password),
      createdAt: now,
      sessionsValidAfter: 0,
    };
    await this.#putUser(user, 1, by);
    return userInfo(user);
  }

  /** A new role and/or password; either ends the user's sessions (a lowered role must not linger in an open tab). */
  async updateUser(name: string, change: { role?: Role; password?: string }, by: string): Promise<UserInfo> {
    const current = this.#users.get(name);
    if (!current) throw new AuthError(404, 'not_found', `no user named "${name}"`);
    if (change.password && current.value.sso) throw ssoPassword(name);
    if (change.role && change.role !== 'admin' && current.value.role === 'admin') this.#keepAnAdmin(name);
    const user: UserRecord = {
      ...current.value,
      role: change.role ?? current.value.role,
      passwordHash: change.password ? await hashPassword(change.password) : current.value.passwordHash,
      sessionsValidAfter: this.#now(),
    };
    await this.#putUser(user, current.version + 1, by);
    this.#end(`user:${name}`);
    return userInfo(user);
  }

  async removeUser(name: string, by: string): Promise<void> {
    const current = this.#users.get(name);
    if (!current) throw new AuthError(404, 'not_found', `no user named "${name}"`);
    if (current.value.role === 'admin') this.#keepAnAdmin(name);
    await this.#repo.write({ kind: 'user', id: name, version: current.version + 1, body: null }, by, this.#now());
    this.#users.delete(name);
    this.#end(`user:${name}`);
  }

  /** A signed-in user's own password change: needs the current one. */
  async changePassword(name: string, current: string, next: string): Promise<void> {
    const user = this.#users.get(name);
    if (user?.value.sso) throw ssoPassword(name);
    if (!user || !(await verifyPassword(current, user.value.passwordHash))) {
      throw new AuthError(403, 'wrong_password', 'the current password is wrong');
    }
    await this.updateUser(name, { password: next }, name);
  }

  #keepAnAdmin(name: string): void {
    const admins = [...this.#users.values()].filter((u) => u.value.role === 'admin' && u.value.name !== name);
    if (admins.length === 0) throw new AuthError(409, 'last_admin', `"${name}" is the last admin; make someone else admin first`);
  }

  async #putUser(user: UserRecord, version: number, by: string): Promise<void> {
    await this.#repo.write({ kind: 'user', id: user.name, version, body: JSON.stringify(user) }, by, this.#now());
    this.#users.set(user.name, { version, value: user });
  }

  // ---------------------------------------------------------------- sessions

  /** Checks the password (in the same time for unknown users) and starts a session; null if it does not match. */
  async login(name: string, password: string): Promise<StartedSession | null> {
    const user = this.#users.get(name);
    // a single sign-on account has no password here: checked against the decoy, in the same time
    const local = user && !user.value.sso ? user : undefined;
    const ok = await verifyPassword(password, local?.value.passwordHash ?? (await decoyHash()));
    if (!local || !ok) return null;
    return this.#startSession(local.value);
  }

  /**
   * Signs in a person the OpenID provider vouched for: creates their user on first sign-in,
   * takes the role the provider's claims map to on every sign-in, and starts a session. A
   * local account of the same name is never taken over (break-glass admins stay local).
   */
  async signInWithProvider(who: { name: string; role: Role; issuer: string; subject: string }): Promise<StartedSession> {
    const current = this.#users.get(who.name);
    const sso = current?.value.sso;
    if (current && (sso?.issuer !== who.issuer || sso.subject !== who.subject)) {
      throw new AuthError(
        409,
        'account_taken',
        sso
          ? `the user name "${who.name}" belongs to another single sign-on account; ask an administrator`
          : `a local account named "${who.name}" exists; single sign-on cannot sign in as it (ask an administrator to remove or rename it)`,
      );
    }
    if (!current) {
      const user: UserRecord = {
        name: who.name,
        role: who.role,
        passwordHash: '',
        createdAt: this.#now(),
        sessionsValidAfter: 0,
        sso: { issuer: who.issuer, subject: who.subject },
      };
      await this.#putUser(user, 1, 'oidc');
    } else if (current.value.role !== who.role) {
      await this.updateUser(who.name, { role: who.role }, 'oidc');
    }
    const user = this.#users.get(who.name);
    if (!user) throw new AuthError(404, 'not_found', `no user named "${who.name}"`);
    return this.#startSession(user.value);
  }

  async #startSession(user: UserRecord): Promise<StartedSession> {
    const name = user.name;
    const now = this.#now();
    const sessionId = randomSecret();
    const session: SessionRecord = { user: name, csrf: randomSecret(), createdAt: now, expiresAt: now + this.#opts.sessionMs };
    const hash = sha256Hex(sessionId);
    await this.#repo.write({ kind: 'session', id: hash, version: 1, body: JSON.stringify(session) }, name, now);
    this.#sessions.set(hash, { version: 1, value: session });
    return { sessionId, session, role: user.role };
  }

  async logout(sessionHash: string): Promise<void> {
    const s = this.#sessions.get(sessionHash);
    if (!s) return;
    this.#sessions.delete(sessionHash);
    await this.#repo.write({ kind: 'session', id: sessionHash, version: s.version + 1, body: null }, s.value.user, this.#now());
    this.#end(`session:${sessionHash}`);
  }

  /** The user behind a session cookie, or null (unknown, expired, logged out, user removed or changed since). */
  async fromSession(sessionId: string): Promise<Extract<Principal, { kind: 'user' }> | null> {
    const hash = sha256Hex(sessionId);
    let s = this.#sessions.get(hash);
    if (!s) {
      // started on another instance after this one loaded
      const row = await this.#repo.one('session', hash);
      if (!row) return null;
      s = parse<SessionRecord>(row);
      this.#sessions.set(hash, s);
      // its user may be new there too (a first single sign-on on that instance): read it now, not at the next refresh;
      // a user known here is left to refresh, which also ends this instance's connections when it changed
      if (!this.#users.has(s.value.user)) {
        const userRow = await this.#repo.one('user', s.value.user);
        if (userRow) this.#users.set(s.value.user, parse<UserRecord>(userRow));
      }
    }
    const now = this.#now();
    const user = this.#users.get(s.value.user);
    if (s.value.expiresAt <= now || !user || s.value.createdAt < user.value.sessionsValidAfter) {
      this.#sessions.delete(hash);
      return null;
    }
    return { kind: 'user', name: user.value.name, role: user.value.role, csrf: s.value.csrf, sessionHash: hash };
  }

  // ---------------------------------------------------------------- tokens

  tokens(kind: 'api' | 'kiosk'): TokenInfo[] {
    return [...this.#tokens.values()]
      .filter((t) => t.value.kind === kind)
      .map(({ value }) => withoutHash(value))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  tokenInfo(id: string): TokenInfo | undefined {
    const t = this.#tokens.get(id);
    return t ? withoutHash(t.value) : undefined;
  }

  /** Returns the token itself, the only time it is ever shown. */
  async createToken(
    input: { kind: 'api'; name: string; scopes: Scope[] } | { kind: 'kiosk'; name: string; board: string },
    by: string,
  ): Promise<{ token: string; info: TokenInfo }> {
    const { id, token } = newToken(input.kind);
    const record: TokenRecord = {
      id,
      kind: input.kind,
      name: input.name,
      hash: sha256Hex(token),
      scopes: input.kind === 'api' ? [...new Set(input.scopes)] : ['read'],
      ...(input.kind === 'kiosk' ? { board: input.board } : {}),
      createdBy: by,
      createdAt: this.#now(),
    };
    await this.#repo.write({ kind: 'token', id, version: 1, body: JSON.stringify(record) }, by, record.createdAt);
    this.#tokens.set(id, { version: 1, value: record });
    return { token, info: withoutHash(record) };
  }

  async revokeToken(id: string, by: string): Promise<void> {
    const t = this.#tokens.get(id);
    if (!t) throw new AuthError(404, 'not_found', `no token with id "${id}"`);
    await this.#repo.write({ kind: 'token', id, version: t.version + 1, body: null }, by, this.#now());
    this.#tokens.delete(id);
    this.#end(`token:${id}`);
  }

  /** An ingest/read token for a producer inside this process; it dies with the process. */
  ephemeralToken(name: string, scopes: Scope[]): string {
    const token = `nse_${randomSecret()}`;
    this.#ephemeral.set(sha256Hex(token), { name, scopes });
    return token;
  }

  /** Share links (`nss_` tokens) are kept by the share service; this is where the guard and the handshake ask it. */
  acceptShares(lookup: ShareLookup): void {
    this.#shares = lookup;
  }

  /** The machine, kiosk or share-link identity behind a bearer token, or null. */
  fromToken(token: string): Extract<Principal, { kind: 'token' | 'kiosk' | 'share' }> | null {
    if (token.startsWith('nss_')) return this.#shares?.(token) ?? null;
    const hash = sha256Hex(token);
    if (this.#envTokenHash && sameSecret(hash, this.#envTokenHash)) {
      return { kind: 'token', id: 'env', name: 'NORTHSTAR_API_TOKEN', scopes: ['admin'] };
    }
    const ephemeral = this.#ephemeral.get(hash);
    if (ephemeral) return { kind: 'token', id: `process:${ephemeral.name}`, name: ephemeral.name, scopes: ephemeral.scopes };
    const id = tokenId(token);
    const record = id ? this.#tokens.get(id)?.value : undefined;
    if (!record || !sameSecret(hash, record.hash)) return null;
    if (record.kind === 'kiosk') return { kind: 'kiosk', id: record.id, board: record.board ?? '' };
    return { kind: 'token', id: record.id, name: record.name, scopes: record.scopes };
  }
}
