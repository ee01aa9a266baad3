import type { CreatedToken, Role, Scope, TokenInfo, UserInfo } from '@northstar/shared';
import { api, errorMessage } from '../api/client.ts';

/** Users and API tokens, as an admin manages them. A created token is kept here only until dismissed. */
export class AdminModel {
  users = $state.raw<UserInfo[]>([]);
  tokens = $state.raw<TokenInfo[]>([]);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  /** The secret of the token just created: shown once, never fetched again. */
  created = $state<CreatedToken | null>(null);

  async load(): Promise<void> {
    try {
      [this.users, this.tokens] = await Promise.all([api<UserInfo[]>('/api/v1/auth/users'), api<TokenInfo[]>('/api/v1/auth/tokens')]);
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  async #run(action: () => Promise<unknown>, notice: string): Promise<boolean> {
    try {
      await action();
      this.error = null;
      this.notice = notice;
      await this.load();
      return true;
    } catch (err) {
      this.error = errorMessage(err);
      this.notice = null;
      return false;
    }
  }

  addUser(name: string, role: Role, password: string): Promise<boolean> {
    return this.#run(() => api('/api/v1/auth/users', { method: 'POST', body: { name, role, password } }), `User ${name} added.`);
  }

  setRole(name: string, role: Role): Promise<boolean> {
    return this.#run(
      () => api(`/api/v1/auth/users/${encodeURIComponent(name)}`, { method: 'PUT', body: { role } }),
      `${name} is now ${role}.`,
    );
  }

  resetPassword(name: string, password: string): Promise<boolean> {
    return this.#run(
      () => api(`/api/v1/auth/users/${encodeURIComponent(name)}`, { method: 'PUT', body: { password } }),
      `${name}'s password was changed; their sessions ended.`,
    );
  }

  removeUser(name: string): Promise<boolean> {
    return this.#run(() => api(`/api/v1/auth/users/${encodeURIComponent(name)}`, { method: 'DELETE' }), `User ${name} removed.`);
  }

  createToken(name: string, scopes: Scope[]): Promise<boolean> {
    return this.#run(async () => {
      this.created = await api<CreatedToken>('/api/v1/auth/tokens', { method: 'POST', body: { name, scopes } });
    }, `Token ${name} created.`);
  }

  revokeToken(id: string, name: string): Promise<boolean> {
    return this.#run(() => api(`/api/v1/auth/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' }), `Token ${name} revoked.`);
  }
}
