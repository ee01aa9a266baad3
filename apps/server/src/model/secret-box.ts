import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** AES-256-GCM: 32-byte key, 12-byte nonce (random per secret), 16-byte tag. */
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';
export const KEY_FILE = 'secret.key';

/** A secret that cannot be opened: wrong key, a damaged box, or one moved from another channel. */
export class SecretError extends Error {
  override readonly name = 'SecretError';
}

/** The first 8 hex characters of the key's SHA-256: names a key in errors without revealing it. */
const fingerprint = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

/**
 * Encrypts secrets at rest (notification channels' URLs, passwords and keys) with
 * AES-256-GCM from node:crypto. A box is `v1.<key id>.<nonce>.<ciphertext>.<tag>` (base64url):
 * the key id lets a wrong key be told apart from a damaged box, and the additional data
 * (what the secret belongs to, e.g. `channel:ops-slack:url`) keeps a box from being
 * copied onto another channel.
 */
export class SecretBox {
  readonly #key: Buffer;
  readonly keyId: string;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new SecretError(`the secret key must be ${KEY_BYTES} bytes, not ${key.length}`);
    this.#key = key;
    this.keyId = fingerprint(key);
  }

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url'));
    return [VERSION, this.keyId, ...parts].join('.');
  }

  open(box: string, aad: string): string {
    const [version, keyId, iv, body, tag, ...rest] = box.split('.');
    if (version !== VERSION || !keyId || iv === undefined || body === undefined || tag === undefined || rest.length > 0) {
      throw new SecretError('the stored secret is not a box this server can read');
    }
    if (keyId !== this.keyId) {
      throw new SecretError(
        `it was encrypted with another key (${keyId}; this server's key is ${this.keyId}): set NORTHSTAR_SECRET_KEY to that key, or enter the secret again`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretError('it does not decrypt with this server key (damaged, or copied from another channel): enter the secret again');
    }
  }
}

/** "64 hex characters" or base64 of 32 bytes; anything else is refused, not stretched into a key. */
export function parseSecretKey(text: string, where: string): Buffer {
  const value = text.trim();
  const hex = /^[0-9a-fA-F]{64}$/.test(value);
  const key = Buffer.from(value, hex ? 'hex' : 'base64');
  const unpadded = (s: string) => s.replace(/=+$/, '');
  if (key.length !== KEY_BYTES || (!hex && unpadded(key.toString('base64')) !== unpadded(value))) {
    throw new SecretError(`${where}: must be ${KEY_BYTES} random bytes as 64 hex characters or base64 (e.g. \`openssl rand -hex 32\`)`);
  }
  return key;
}

/**
 * The server's secret box: the key from NORTHSTAR_SECRET_KEY, else from `<dataDir>/secret.key`,
 * made on first use with 0600 permissions (only the server's user may read it). Several
 * instances sharing one store must share the key: set the variable on each.
 */
export function openSecretBox(opts: { secretKey: string | undefined; dataDir: string }): SecretBox {
  if (opts.secretKey !== undefined) return new SecretBox(parseSecretKey(opts.secretKey, 'environment variable NORTHSTAR_SECRET_KEY'));
  const file = path.join(opts.dataDir, KEY_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(opts.dataDir, { recursive: true });
    // `wx`: two instances starting at once on one data directory do not overwrite each other's key
    try {
      writeFileSync(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (writeErr) {
      if ((writeErr as NodeJS.ErrnoException).code !== 'EEXIST') throw writeErr;
    }
    text = readFileSync(file, 'utf8');
  }
  // a key file others can read is no secret: narrow it rather than refuse to start
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return new SecretBox(parseSecretKey(text, file));
}
