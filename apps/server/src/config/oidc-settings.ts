import { readFileSync } from 'node:fs';
import { ROLES, type Role } from '@northstar/shared';
import { ConfigError } from './errors.ts';

/**
 * Single sign-on with an OpenID Connect provider (authorization code + PKCE). Off unless
 * NORTHSTAR_OIDC_ISSUER is set; local accounts keep working beside it (break-glass admins).
 */
export interface OidcSettings {
  /** The provider's issuer URL; its /.well-known/openid-configuration is read on first use. */
  issuer: string;
  clientId: string;
  /** Unset: a public client (PKCE alone). Never logged. */
  clientSecret: string | undefined;
  /** Where the provider sends the browser back; unset: this server's own origin + /api/v1/auth/oidc/callback. */
  redirectUri: string | undefined;
  /** Shown on the login page: "Sign in with <name>". */
  displayName: string;
  scopes: string[];
  /** The claim whose value (a string or a list) decides the role, e.g. `groups` or `roles`. */
  roleClaim: string;
  /** Claim value → role; the highest role any value maps to wins. */
  roleMap: ReadonlyMap<string, Role>;
  /** The role of someone none of whose values is mapped; null refuses them. */
  defaultRole: Role | null;
  /** The claim that names the user (lowercased and made a valid user name). */
  usernameClaim: string;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function readUrl(name: string, raw: string): URL {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!url || !/^https?:$/.test(url.protocol)) throw new ConfigError(`environment variable ${name}: "${raw}" is not an http(s) URL`);
  // tokens and codes travel to the issuer: plain http only to a provider on this machine
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new ConfigError(`environment variable ${name}: "${raw}" must use https (plain http is allowed only on loopback)`);
  }
  return url;
}

/** `northstar-admins=admin,northstar-editors=editor`: claim values to roles. */
export function parseRoleMap(raw: string | undefined): Map<string, Role> {
  const map = new Map<string, Role>();
  for (const part of (raw ?? '').split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const eq = part.lastIndexOf('=');
    const value = part.slice(0, eq).trim();
    const role = part.slice(eq + 1).trim();
    if (eq <= 0 || value === '' || !ROLES.includes(role as Role)) {
      throw new ConfigError(
        `environment variable NORTHSTAR_OIDC_ROLE_MAP: "${part}" is not value=role with a role of ${ROLES.join(', ')} (e.g. northstar-admins=admin)`,
      );
    }
    map.set(value, role as Role);
  }
  return map;
}

function readDefaultRole(raw: string | undefined): Role | null {
  const value = (raw ?? 'none').trim();
  if (value === 'none') return null;
  if (!ROLES.includes(value as Role)) {
    throw new ConfigError(`environment variable NORTHSTAR_OIDC_DEFAULT_ROLE: "${value}" is not one of none, ${ROLES.join(', ')}`);
  }
  return value as Role;
}

/** NORTHSTAR_OIDC_CLIENT_SECRET_FILE: the secret from a mounted file (a container secret), without its trailing newline. */
function readSecretFile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new ConfigError(
      `environment variable NORTHSTAR_OIDC_CLIENT_SECRET_FILE: cannot read "${file}" (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

const CLAIM_NAME = /^[A-Za-z0-9_.:/-]{1,200}$/;

function readClaim(name: string, raw: string | undefined, fallback: string): string {
  const value = (raw ?? fallback).trim();
  if (!CLAIM_NAME.test(value)) throw new ConfigError(`environment variable ${name}: "${value.slice(0, 100)}" is not a claim name`);
  return value;
}

/** The OIDC settings from the environment, or undefined when NORTHSTAR_OIDC_ISSUER is not set. */
export function readOidcSettings(env: NodeJS.ProcessEnv): OidcSettings | undefined {
  const issuer = env.NORTHSTAR_OIDC_ISSUER?.trim();
  if (!issuer) return undefined;
  const clientId = env.NORTHSTAR_OIDC_CLIENT_ID?.trim();
  if (!clientId) throw new ConfigError('environment variable NORTHSTAR_OIDC_CLIENT_ID: required when NORTHSTAR_OIDC_ISSUER is set');
  if (clientId.length > 512) throw new ConfigError('environment variable NORTHSTAR_OIDC_CLIENT_ID: longer than 512 characters');
  const secret = env.NORTHSTAR_OIDC_CLIENT_SECRET ?? readSecretFile(env.NORTHSTAR_OIDC_CLIENT_SECRET_FILE);
  if (secret !== undefined && (secret.length === 0 || secret.length > 1024)) {
    throw new ConfigError('environment variable NORTHSTAR_OIDC_CLIENT_SECRET: must be 1-1024 characters when set');
  }
  const redirect = env.NORTHSTAR_OIDC_REDIRECT_URI?.trim();
  const scopes = (env.NORTHSTAR_OIDC_SCOPES ?? 'openid profile email').split(/[\s,]+/).filter((s) => s !== '');
  if (!scopes.includes('openid')) scopes.unshift('openid');
  const displayName = (env.NORTHSTAR_OIDC_NAME ?? 'single sign-on').trim();
  if (displayName === '' || displayName.length > 60)
    throw new ConfigError('environment variable NORTHSTAR_OIDC_NAME: must be 1-60 characters');
  return {
    issuer: readUrl('NORTHSTAR_OIDC_ISSUER', issuer).href,
    clientId,
    clientSecret: secret,
    redirectUri: redirect ? readUrl('NORTHSTAR_OIDC_REDIRECT_URI', redirect).href : undefined,
    displayName,
    scopes,
    roleClaim: readClaim('NORTHSTAR_OIDC_ROLE_CLAIM', env.NORTHSTAR_OIDC_ROLE_CLAIM, 'groups'),
    roleMap: parseRoleMap(env.NORTHSTAR_OIDC_ROLE_MAP),
    defaultRole: readDefaultRole(env.NORTHSTAR_OIDC_DEFAULT_ROLE),
    usernameClaim: readClaim('NORTHSTAR_OIDC_USERNAME_CLAIM', env.NORTHSTAR_OIDC_USERNAME_CLAIM, 'preferred_username'),
  };
}
