import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOidcSettings } from '../config/oidc-settings.ts';
import { identityFrom, mapRole, OidcRefused, userNameFrom } from './oidc-identity.ts';

const settings = readOidcSettings({
  NORTHSTAR_OIDC_ISSUER: 'https://idp.example.com',
  NORTHSTAR_OIDC_CLIENT_ID: 'wall',
  NORTHSTAR_OIDC_ROLE_MAP: 'wall-admins=admin, wall-editors=editor,staff=viewer',
})!;

describe('mapRole', () => {
  it('takes the highest role any value maps to', () => {
    expect(mapRole({ groups: ['staff', 'wall-admins', 'other'] }, settings)).toBe('admin');
    expect(mapRole({ groups: ['staff'] }, settings)).toBe('viewer');
  });
  it('reads a single string or a space-separated list', () => {
    expect(mapRole({ groups: 'wall-editors' }, settings)).toBe('editor');
    expect(mapRole({ groups: 'staff wall-editors' }, settings)).toBe('editor');
  });
  it('falls back to the default role, none unless set', () => {
    expect(mapRole({ groups: ['contractors'] }, settings)).toBeNull();
    expect(mapRole({}, { ...settings, defaultRole: 'viewer' })).toBe('viewer');
  });
  it('reads a nested claim by a dotted path, a namespaced claim by its whole name', () => {
    const keycloak = { ...settings, roleClaim: 'realm_access.roles' };
    expect(mapRole({ realm_access: { roles: ['offline_access', 'wall-editors'] } }, keycloak)).toBe('editor');
    const auth0 = { ...settings, roleClaim: 'https://example.com/roles' };
    expect(mapRole({ 'https://example.com/roles': ['wall-admins'] }, auth0)).toBe('admin');
  });
  it('reads the configured claim, not another', () => {
    expect(mapRole({ roles: ['wall-admins'] }, settings)).toBeNull();
    expect(mapRole({ roles: ['wall-admins'] }, { ...settings, roleClaim: 'roles' })).toBe('admin');
  });
});

describe('identityFrom', () => {
  it('makes a valid user name from the claim', () => {
    expect(userNameFrom('Alice.Smith@Example.com')).toBe('alice.smith-example.com');
    expect(userNameFrom('__x')).toBe('x');
    expect(userNameFrom('a'.repeat(100))).toHaveLength(64);
    expect(identityFrom({ sub: 's1', preferred_username: 'Bob', groups: ['staff'] }, 'https://idp', settings)).toEqual({
      name: 'bob',
      role: 'viewer',
      issuer: 'https://idp',
      subject: 's1',
    });
  });
  it('refuses plainly: no role, no name, no subject', () => {
    expect(() => identityFrom({ sub: 's1', preferred_username: 'bob', groups: ['x'] }, 'i', settings)).toThrow(/bob.*no Northstar role/);
    expect(() => identityFrom({ sub: 's1', preferred_username: '...', groups: ['staff'] }, 'i', settings)).toThrow(OidcRefused);
    expect(() => identityFrom({ preferred_username: 'bob', groups: ['staff'] }, 'i', settings)).toThrow(/no subject/);
  });
});

describe('readOidcSettings', () => {
  const base = { NORTHSTAR_OIDC_ISSUER: 'https://idp.example.com', NORTHSTAR_OIDC_CLIENT_ID: 'wall' };
  it('is off without an issuer', () => {
    expect(readOidcSettings({})).toBeUndefined();
  });
  it('has defaults: groups claim, no default role, openid scope always', () => {
    const s = readOidcSettings({ ...base, NORTHSTAR_OIDC_SCOPES: 'profile groups' })!;
    expect(s.roleClaim).toBe('groups');
    expect(s.defaultRole).toBeNull();
    expect(s.scopes).toEqual(['openid', 'profile', 'groups']);
    expect(s.clientSecret).toBeUndefined();
  });
  it('says which variable is wrong and why', () => {
    expect(() => readOidcSettings({ NORTHSTAR_OIDC_ISSUER: 'https://idp' })).toThrow(/NORTHSTAR_OIDC_CLIENT_ID: required/);
    expect(() => readOidcSettings({ ...base, NORTHSTAR_OIDC_ISSUER: 'http://idp.example.com' })).toThrow(/must use https/);
    expect(() => readOidcSettings({ ...base, NORTHSTAR_OIDC_ROLE_MAP: 'admins=root' })).toThrow(/ROLE_MAP: "admins=root"/);
    expect(() => readOidcSettings({ ...base, NORTHSTAR_OIDC_DEFAULT_ROLE: 'boss' })).toThrow(/DEFAULT_ROLE: "boss"/);
  });
  it('allows plain http on loopback only', () => {
    expect(readOidcSettings({ ...base, NORTHSTAR_OIDC_ISSUER: 'http://127.0.0.1:9000' })?.issuer).toBe('http://127.0.0.1:9000/');
  });
});

describe('NORTHSTAR_OIDC_CLIENT_SECRET_FILE', () => {
  const base = { NORTHSTAR_OIDC_ISSUER: 'https://idp.example.com', NORTHSTAR_OIDC_CLIENT_ID: 'wall' };
  it('reads the secret from a file, without its newline, and says when it cannot', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'oidc-secret-'));
    const file = path.join(dir, 'secret');
    writeFileSync(file, 's3cret-value\n');
    expect(readOidcSettings({ ...base, NORTHSTAR_OIDC_CLIENT_SECRET_FILE: file })?.clientSecret).toBe('s3cret-value');
    expect(() => readOidcSettings({ ...base, NORTHSTAR_OIDC_CLIENT_SECRET_FILE: path.join(dir, 'none') })).toThrow(
      /NORTHSTAR_OIDC_CLIENT_SECRET_FILE: cannot read .*ENOENT/,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
