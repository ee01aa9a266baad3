import type { MeResponse } from '@northstar/shared';
import { login, logout, me } from '../api/auth.ts';
import { ApiError, setCsrfToken } from '../api/client.ts';

export type SessionState = 'unknown' | 'signed-out' | 'signed-in' | 'open';

/**
 * Who is using this tab: unknown until /api/v1/auth/me answers; 'open' when the server runs
 * without auth (a local demo). One per app.
 */
export class Session {
  state = $state<SessionState>('unknown');
  user = $state<{ name: string; role: 'viewer' | 'editor' | 'admin' } | null>(null);

  readonly canEdit = $derived(this.state === 'open' || this.user?.role === 'editor' || this.user?.role === 'admin');
  readonly isAdmin = $derived(this.user?.role === 'admin');
  /** Kiosk links and user management exist only with auth on. */
  readonly authOn = $derived(this.state === 'signed-in' || this.state === 'signed-out');

  #apply(me: MeResponse): void {
    if (!me.auth) {
      this.state = 'open';
      this.user = null;
      setCsrfToken('');
    } else if ('user' in me) {
      this.state = 'signed-in';
      this.user = me.user;
      setCsrfToken(me.csrfToken);
    } else {
      this.state = 'signed-out';
    }
  }

  async load(): Promise<SessionState> {
    try {
      this.#apply(await me());
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      this.signedOut();
    }
    return this.state;
  }

  async login(username: string, password: string): Promise<void> {
    this.#apply(await login(username, password));
  }

  async logout(): Promise<void> {
    try {
      await logout();
    } finally {
      this.signedOut();
    }
  }

  signedOut(): void {
    this.state = 'signed-out';
    this.user = null;
    setCsrfToken('');
  }
}

export const session = new Session();
