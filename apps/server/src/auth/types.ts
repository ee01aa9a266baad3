import { ROLES, type Role, type Scope, type ShareView } from '@northstar/shared';

export { ROLES, SCOPES, type Role, type Scope } from '@northstar/shared';

export function roleAtLeast(role: Role, least: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(least);
}

/** Who is asking, as the auth middleware found out. */
export type Principal =
  /** Auth is switched off (NORTHSTAR_AUTH=off): a local demo, everything allowed. */
  | { kind: 'open' }
  | { kind: 'user'; name: string; role: Role; csrf: string; sessionHash: string }
  | { kind: 'token'; id: string; name: string; scopes: readonly Scope[] }
  /** A TV's read-only link to one board. */
  | { kind: 'kiosk'; id: string; board: string }
  /** A read-only share link to one view (a board, a KPI page, an objective's subtree). */
  | { kind: 'share'; id: string; view: ShareView };

/** Finds the share link behind a `nss_` token: null when unknown, expired or revoked (share/share-service.ts). */
export type ShareLookup = (token: string) => Extract<Principal, { kind: 'share' }> | null;

/** The keys AuthService.onEnded reports when what let this principal in ends. */
export function credentialsOf(who: Principal): string[] {
  if (who.kind === 'user') return [`session:${who.sessionHash}`, `user:${who.name}`];
  if (who.kind === 'token' || who.kind === 'kiosk') return [`token:${who.id}`];
  if (who.kind === 'share') return [`share:${who.id}`];
  return [];
}

export interface UserRecord {
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: number;
  /** Sessions started before this are void (password changed, role lowered). */
  sessionsValidAfter: number;
  /** Set for a person who signs in through the OpenID provider (passwordHash is then empty): who they are there. */
  sso?: { issuer: string; subject: string };
}

export interface TokenRecord {
  id: string;
  kind: 'api' | 'kiosk';
  name: string;
  /** SHA-256 of the whole token, hex; the token itself is shown once and never stored. */
  hash: string;
  scopes: Scope[];
  /** Kiosk tokens: the one board they may show. */
  board?: string;
  createdBy: string;
  createdAt: number;
}

export interface SessionRecord {
  user: string;
  csrf: string;
  createdAt: number;
  expiresAt: number;
}

/** A token as listed: everything but its hash. */
export type TokenInfo = Omit<TokenRecord, 'hash'>;
export type UserInfo = Pick<UserRecord, 'name' | 'role' | 'createdAt'>;
