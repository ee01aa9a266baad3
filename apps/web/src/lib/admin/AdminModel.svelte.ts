import type { CreatedToken, Role, Scope, TokenInfo, UserInfo } from '@northstar/shared';
import { addUser, changeUser, createToken, listTokens, listUsers, removeUser, revokeToken } from '../api/auth.ts';
import { AdminPageModel } from './AdminPageModel.svelte.ts';

/** Users and API tokens, as an admin manages them. A created token is kept here only until dismissed. */
export class AdminModel extends AdminPageModel {
  users = $state.raw<UserInfo[]>([]);
  tokens = $state.raw<TokenInfo[]>([]);
  /** The secret of the token just created: shown once, never fetched again. */
  created = $state<CreatedToken | null>(null);

  protected async read(): Promise<void> {
    [this.users, this.tokens] = await Promise.all([listUsers(), listTokens()]);
  }

  addUser(name: string, role: Role, password: string): Promise<boolean> {
    return this.run(() => addUser(name, role, password), `User ${name} added.`);
  }

  setRole(name: string, role: Role): Promise<boolean> {
    return this.run(() => changeUser(name, { role }), `${name} is now ${role}.`);
  }

  resetPassword(name: string, password: string): Promise<boolean> {
    return this.run(() => changeUser(name, { password }), `${name}'s password was changed; their sessions ended.`);
  }

  removeUser(name: string): Promise<boolean> {
    return this.run(() => removeUser(name), `User ${name} removed.`);
  }

  createToken(name: string, scopes: Scope[]): Promise<boolean> {
    return this.run(async () => {
      this.created = await createToken(name, scopes);
    }, `Token ${name} created.`);
  }

  revokeToken(id: string, name: string): Promise<boolean> {
    return this.run(() => revokeToken(id), `Token ${name} revoked.`);
  }
}
