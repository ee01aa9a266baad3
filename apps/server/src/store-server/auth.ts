import { createHash, timingSafeEqual } from 'node:crypto';
import { StoreServerError } from './errors.ts';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** The one user of `northstar store` and its password; the comparison takes the same time whatever was sent. */
export class StoreCredentials {
  readonly #user: string;
  readonly #password: Buffer;

  constructor(user: string, password: string) {
    this.#user = user;
    this.#password = digest(password);
  }

  get user(): string {
    return this.#user;
  }

  /** Throws ClickHouse's AUTHENTICATION_FAILED (516) unless both match; no credentials means user `default` without a password, as on clickhouse-server. */
  check(user: string | undefined, password: string | undefined): void {
    const name = user ?? 'default';
    const passwordOk = timingSafeEqual(digest(password ?? ''), this.#password);
    if (!passwordOk || name !== this.#user) {
      throw StoreServerError.of(
        'AUTHENTICATION_FAILED',
        `${name.slice(0, 64)}: Authentication failed: password is incorrect, or there is no user with such name`,
      );
    }
  }
}
