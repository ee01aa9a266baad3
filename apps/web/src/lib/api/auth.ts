import type { Role, Scope } from '@northstar/shared';
import { call, client } from './client.ts';

/** Sign-in, users, API tokens and kiosk links under /api/v1/auth (see apps/server/src/http/auth-routes.ts). */

const auth = client.api.v1.auth;

export const me = () => call(auth.me.$get());
export const login = (username: string, password: string) => call(auth.login.$post({ json: { username, password } }));
export const logout = () => call(auth.logout.$post());
export const changePassword = (current: string, password: string) => call(auth.password.$put({ json: { current, password } }));

export const listUsers = () => call(auth.users.$get());
export const addUser = (name: string, role: Role, password: string) => call(auth.users.$post({ json: { name, role, password } }));
export const changeUser = (name: string, change: { role?: Role; password?: string }) =>
  call(auth.users[':name'].$put({ param: { name: encodeURIComponent(name) }, json: change }));
export const removeUser = (name: string) => call(auth.users[':name'].$delete({ param: { name: encodeURIComponent(name) } }));

export const listTokens = () => call(auth.tokens.$get({ query: {} }));
export const createToken = (name: string, scopes: Scope[]) => call(auth.tokens.$post({ json: { name, scopes } }));
export const revokeToken = (id: string) => call(auth.tokens[':id'].$delete({ param: { id: encodeURIComponent(id) } }));

export const kioskLinks = (board: string) => call(auth['kiosk-tokens'].$get({ query: { board } }));
export const createKioskLink = (board: string) => call(auth['kiosk-tokens'].$post({ json: { board } }));
export const revokeKioskLink = (id: string) => call(auth['kiosk-tokens'][':id'].$delete({ param: { id: encodeURIComponent(id) } }));
