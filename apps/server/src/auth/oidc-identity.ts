import { ROLES, type Role } from '@northstar/shared';
import type { OidcSettings } from '../config/oidc-settings.ts';

/** Who the provider says signed in, as Northstar keeps them. */
export interface OidcIdentity {
  /** A valid Northstar user name made from the username claim. */
  name: string;
  role: Role;
  issuer: string;
  subject: string;
}

/** Why a signed-in person cannot be let in: shown to them as it is. */
export class OidcRefused extends Error {}

/** The values of a claim as strings: a list, a single string, or a space/comma-separated string (some providers send roles so). */
function claimValues(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((v) => v !== '');
  return [];
}

/**
 * A claim by name, or by a dotted path into nested claims when no claim has the whole name
 * (Keycloak's `realm_access.roles`); a namespaced claim like `https://example.com/roles` is
 * found by its whole name first.
 */
export function claimAt(claims: Record<string, unknown>, name: string): unknown {
  if (name in claims) return claims[name];
  let node: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** The highest role any of the claim's values maps to, else the default role (null: none). */
export function mapRole(
  claims: Record<string, unknown>,
  settings: Pick<OidcSettings, 'roleClaim' | 'roleMap' | 'defaultRole'>,
): Role | null {
  let best = -1;
  for (const v of claimValues(claimAt(claims, settings.roleClaim))) {
    const role = settings.roleMap.get(v);
    if (role !== undefined) best = Math.max(best, ROLES.indexOf(role));
  }
  return best >= 0 ? (ROLES[best] ?? null) : settings.defaultRole;
}

/** `Alice.Smith@Example.com` → `alice.smith-example.com`: lowercase, other characters as "-", at most 64. */
export function userNameFrom(raw: string): string {
  const name = raw
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
    .slice(0, 64)
    .replace(/[.-]+$/, '');
  return name;
}

/** The identity to sign in, or OidcRefused saying plainly why not. */
export function identityFrom(claims: Record<string, unknown>, issuer: string, settings: OidcSettings): OidcIdentity {
  const subject = claims.sub;
  if (typeof subject !== 'string' || subject === '') throw new OidcRefused('the identity provider sent no subject (sub) for this account');
  const rawName = claimAt(claims, settings.usernameClaim) ?? claims.email ?? claims.sub;
  const name = typeof rawName === 'string' ? userNameFrom(rawName) : '';
  if (name === '') {
    throw new OidcRefused(
      `the identity provider sent no usable "${settings.usernameClaim}" claim to name this account (set NORTHSTAR_OIDC_USERNAME_CLAIM)`,
    );
  }
  const role = mapRole(claims, settings);
  if (role === null) {
    throw new OidcRefused(
      `your account (${name}) has no Northstar role: none of its "${settings.roleClaim}" values is mapped to one; ask an administrator`,
    );
  }
  return { name, role, issuer, subject };
}
