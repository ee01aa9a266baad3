import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_FILE, SecretBox, SecretError, openSecretBox, parseSecretKey } from './secret-box.ts';

describe('SecretBox (AES-256-GCM)', () => {
  it('opens what it sealed, and the box holds no plain text', () => {
    const box = new SecretBox(randomBytes(32));
    const secret = 'https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX';
    const sealed = box.seal(secret, 'channel:ops:url');
    expect(sealed).not.toContain('SECRET');
    expect(sealed.startsWith(`v1.${box.keyId}.`)).toBe(true);
    expect(box.open(sealed, 'channel:ops:url')).toBe(secret);
    // a fresh nonce each time: the same secret never seals to the same box
    expect(box.seal(secret, 'channel:ops:url')).not.toBe(sealed);
  });

  it('says a box was sealed under another key, naming both key ids', () => {
    const a = new SecretBox(randomBytes(32));
    const b = new SecretBox(randomBytes(32));
    const sealed = a.seal('routing-key-123456', 'channel:pager:routingKey');
    expect(() => b.open(sealed, 'channel:pager:routingKey')).toThrow(SecretError);
    expect(() => b.open(sealed, 'channel:pager:routingKey')).toThrow(`another key (${a.keyId}; this server's key is ${b.keyId})`);
  });

  it('refuses a box moved to another channel or tampered with', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal('api-key-abcdefgh', 'channel:a:apiKey');
    expect(() => box.open(sealed, 'channel:b:apiKey')).toThrow('does not decrypt with this server key');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered!!').toString('base64url');
    expect(() => box.open(parts.join('.'), 'channel:a:apiKey')).toThrow('does not decrypt');
    expect(() => box.open('plain text', 'channel:a:apiKey')).toThrow('not a box this server can read');
  });
});

describe('the server key', () => {
  it('reads 64 hex characters or base64 of 32 bytes, and refuses anything else with where it came from', () => {
    const key = randomBytes(32);
    expect(parseSecretKey(key.toString('hex'), 'X').equals(key)).toBe(true);
    expect(parseSecretKey(key.toString('base64'), 'X').equals(key)).toBe(true);
    expect(() => parseSecretKey('hunter2', 'environment variable NORTHSTAR_SECRET_KEY')).toThrow(
      'environment variable NORTHSTAR_SECRET_KEY: must be 32 random bytes as 64 hex characters or base64',
    );
    expect(() => parseSecretKey(randomBytes(16).toString('hex'), 'X')).toThrow('must be 32 random bytes');
  });

  it('makes a key file with 0600 permissions on first use and reads the same key after', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'northstar-key-'));
    const first = openSecretBox({ secretKey: undefined, dataDir });
    const file = path.join(dataDir, KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = openSecretBox({ secretKey: undefined, dataDir });
    expect(again.keyId).toBe(first.keyId);
    expect(again.open(first.seal('s3cret-value', 'a'), 'a')).toBe('s3cret-value');
  });

  it('narrows a key file others can read, and prefers NORTHSTAR_SECRET_KEY', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'northstar-key-'));
    const file = path.join(dataDir, KEY_FILE);
    writeFileSync(file, randomBytes(32).toString('base64'));
    chmodSync(file, 0o644);
    openSecretBox({ secretKey: undefined, dataDir });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const env = randomBytes(32).toString('hex');
    expect(openSecretBox({ secretKey: env, dataDir }).keyId).toBe(new SecretBox(Buffer.from(env, 'hex')).keyId);
    expect(readFileSync(file, 'utf8')).not.toContain(env);
  });
});
