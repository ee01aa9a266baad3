import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { z, ZodType } from 'zod';
import {
  ChangePasswordSchema,
  CreateKioskSchema,
  CreateTokenSchema,
  CreateUserSchema,
  LoginSchema,
  UpdateUserSchema,
  type CreatedToken,
  type MeResponse,
} from '@northstar/shared';
import { AuthError, type AuthService } from '../auth/auth-service.ts';
import type { ClientAddress } from '../auth/client-address.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import { fieldProblems, invalid, ModelError } from '../model/model-errors.ts';
import type { ModelService } from '../model/model-service.ts';
import { jsonError } from './errors.ts';
import { doc } from './route-doc.ts';
import { input } from './typed-input.ts';
import { modelErrorResponse, readJson } from './model-routes.ts';
import { SESSION_COOKIE, changeMeta } from './write-guard.ts';

/** What the routes ask of the auth service (the guard, write-guard.ts, asks the rest). */
export type AuthApi = Pick<
  AuthService,
  | 'login'
  | 'logout'
  | 'changePassword'
  | 'users'
  | 'createUser'
  | 'updateUser'
  | 'removeUser'
  | 'tokens'
  | 'createToken'
  | 'tokenInfo'
  | 'revokeToken'
>;

export interface AuthRouteDeps {
  /** null: auth is off (NORTHSTAR_AUTH=off). */
  auth: AuthApi | null;
  model: ModelService;
  loginLimiter: LoginThrottle;
  /** Who is asking, through trusted proxies (X-Forwarded-For). */
  clientAddress: ClientAddress;
  sessionHours: number;
}

async function body<T>(c: Context, schema: ZodType<T>, what: string): Promise<T> {
  const parsed = schema.safeParse(await readJson(c, 16 * 1024));
  if (!parsed.success) throw invalid(what, fieldProblems(parsed.error));
  return parsed.data;
}

/** Secure only over https (directly, or behind a proxy that says so): a plain-http loopback demo must still get its cookie. */
function overHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

/**
 * Sign-in and sign-out, the signed-in user's own password, users and API tokens (admins),
 * kiosk links to boards (editors). Who may call what is decided by the auth guard.
 */
export function authRoutes(deps: AuthRouteDeps) {
  const off = (c: Context) => jsonError(c, 404, 'auth_off', 'authentication is switched off on this server (NORTHSTAR_AUTH=off)');
  const auth = deps.auth;
  /** The work of a route that needs auth on: auth_off without it, an AuthError or ModelError as its error body. */
  const guarded = async <R extends Response>(c: Context, work: (auth: AuthApi) => R | Promise<R>) => {
    if (!auth) return off(c);
    try {
      return await work(auth);
    } catch (err) {
      if (err instanceof AuthError) return jsonError(c, err.status, err.code, err.message);
      return modelErrorResponse(c, err);
    }
  };

  const tokenRoutes = (kind: 'api' | 'kiosk') => {
    const what = kind === 'api' ? 'API tokens (admins)' : 'kiosk links to boards (editors)';
    return new Hono()
      .get(
        '/',
        doc({
          tag: 'auth',
          summary: `List ${what}`,
          query: kind === 'kiosk' ? ['board'] : [],
          responses: { 200: 'TokenInfo[]', 404: 'Auth is off' },
        }),
        input<{ query: { board?: string } }>(),
        (c) =>
          guarded(c, (auth) => {
            const board = c.req.query('board');
            return c.json(auth.tokens(kind).filter((t) => board === undefined || t.board === board));
          }),
      )
      .post(
        '/',
        doc({
          tag: 'auth',
          summary: `Create one of the ${what}; the secret is in this answer only`,
          body: kind === 'api' ? 'CreateToken' : 'CreateKiosk',
          responses: { 201: 'CreatedToken', 400: 'Invalid input; details name each bad field', 404: 'Auth is off' },
        }),
        input<{ json: z.input<typeof CreateTokenSchema> | z.input<typeof CreateKioskSchema> }>(),
        (c) =>
          guarded(c, async (auth) => {
            const by = changeMeta(c).author;
            let created;
            if (kind === 'api') {
              const input = await body(c, CreateTokenSchema, 'invalid token');
              created = await auth.createToken({ kind: 'api', name: input.name, scopes: input.scopes }, by);
            } else {
              const input = await body(c, CreateKioskSchema, 'invalid kiosk link');
              const board = deps.model.get('board', input.board);
              if (!board)
                throw new ModelError(400, 'invalid', `board: no board with id "${input.board.slice(0, 128)}"`, [
                  { field: 'board', message: `no board with id "${input.board.slice(0, 128)}"` },
                ]);
              created = await auth.createToken(
                { kind: 'kiosk', board: input.board, name: input.name ?? `TV: ${board.name ?? input.board}` },
                by,
              );
            }
            c.header('Cache-Control', 'no-store');
            const answer: CreatedToken = { ...created.info, token: created.token };
            return c.json(answer, 201);
          }),
      )
      .delete(
        '/:id',
        doc({
          tag: 'auth',
          summary: 'Revoke (it stops working at once)',
          responses: { 204: 'Revoked', 404: 'No such token, or auth is off' },
        }),
        (c) =>
          guarded(c, async (auth) => {
            const id = c.req.param('id');
            if (auth.tokenInfo(id)?.kind !== kind)
              return jsonError(c, 404, 'not_found', `no ${kind === 'api' ? 'API token' : 'kiosk link'} with id "${id.slice(0, 64)}"`);
            await auth.revokeToken(id, changeMeta(c).author);
            return c.body(null, 204);
          }),
      );
  };

  return new Hono()
    .get(
      '/api/v1/auth/me',
      doc({
        tag: 'auth',
        summary: 'Who is asking: the signed-in user (with the CSRF token for writes), token or kiosk; {auth: false} when auth is off',
        responses: { 200: 'MeResponse', 401: 'Not signed in' },
      }),
      (c) => {
        const who = c.get('principal');
        let me: MeResponse;
        if (!auth || who?.kind === 'open') me = { auth: false };
        else if (who?.kind === 'user') me = { auth: true, user: { name: who.name, role: who.role }, csrfToken: who.csrf };
        else if (who?.kind === 'token') me = { auth: true, token: { name: who.name, scopes: [...who.scopes] } };
        else if (who?.kind === 'kiosk') me = { auth: true, kiosk: { board: who.board } };
        else if (who?.kind === 'share') me = { auth: true, share: { id: who.id, view: who.view } };
        else return jsonError(c, 401, 'unauthorised', 'not signed in');
        c.header('Cache-Control', 'no-store');
        return c.json(me);
      },
    )
    .post(
      '/api/v1/auth/login',
      doc({
        tag: 'auth',
        summary: 'Sign in: sets the session cookie and answers the CSRF token',
        body: 'Login',
        responses: {
          200: 'MeResponse',
          400: 'Invalid input; details name each bad field',
          401: 'Wrong user name or password',
          404: 'Auth is off',
          429: 'Too many failed sign-ins; retry after Retry-After',
        },
      }),
      input<{ json: z.input<typeof LoginSchema> }>(),
      (c) =>
        guarded(c, async (auth) => {
          const input = await body(c, LoginSchema, 'invalid sign-in');
          let peer: string | undefined;
          try {
            peer = getConnInfo(c).remote.address;
          } catch {
            // not served by @hono/node-server (app.request in a unit test)
          }
          const address = deps.clientAddress.resolve(peer, c.req.header('x-forwarded-for'));
          const verdict = deps.loginLimiter.check(input.username, address, Date.now());
          if (!verdict.ok) {
            c.header('Retry-After', String(verdict.retryAfterSeconds));
            const whose = verdict.why === 'user' ? 'for this user' : 'from this address';
            return jsonError(c, 429, 'rate_limited', `too many failed sign-ins ${whose}; retry in ${verdict.retryAfterSeconds} s`);
          }
          const result = await auth.login(input.username, input.password);
          if (!result) {
            deps.loginLimiter.failed(input.username, address, Date.now());
            return jsonError(c, 401, 'bad_credentials', 'wrong user name or password');
          }
          deps.loginLimiter.succeeded(input.username);
          setCookie(c, SESSION_COOKIE, result.sessionId, {
            path: '/',
            httpOnly: true,
            sameSite: 'Strict',
            secure: overHttps(c),
            maxAge: deps.sessionHours * 3600,
          });
          const me: MeResponse = { auth: true, user: { name: input.username, role: result.role }, csrfToken: result.session.csrf };
          return c.json(me);
        }),
    )
    .post(
      '/api/v1/auth/logout',
      doc({ tag: 'auth', summary: 'Sign out: ends the session and clears its cookie', responses: { 204: 'Signed out' } }),
      async (c) => {
        const who = c.get('principal');
        if (auth && who?.kind === 'user') await auth.logout(who.sessionHash);
        deleteCookie(c, SESSION_COOKIE, { path: '/', secure: overHttps(c) });
        return c.body(null, 204);
      },
    )
    .put(
      '/api/v1/auth/password',
      doc({
        tag: 'auth',
        summary: 'Change your own password (ends every session of yours)',
        body: 'ChangePassword',
        responses: {
          204: 'Changed; sign in again',
          400: 'Invalid input; details name each bad field',
          404: 'Not a signed-in user, or auth is off',
        },
      }),
      input<{ json: z.input<typeof ChangePasswordSchema> }>(),
      (c) =>
        guarded(c, async (auth) => {
          const who = c.get('principal');
          if (who?.kind !== 'user') return off(c);
          const input = await body(c, ChangePasswordSchema, 'invalid password change');
          await auth.changePassword(who.name, input.current, input.password);
          // the change ended every session, this one too: sign in again with the new password
          deleteCookie(c, SESSION_COOKIE, { path: '/', secure: overHttps(c) });
          return c.body(null, 204);
        }),
    )
    .get(
      '/api/v1/auth/users',
      doc({ tag: 'auth', summary: 'Users and their roles (admins)', responses: { 200: 'UserInfo[]', 404: 'Auth is off' } }),
      (c) => guarded(c, (auth) => c.json(auth.users())),
    )
    .post(
      '/api/v1/auth/users',
      doc({
        tag: 'auth',
        summary: 'Add a user (admins)',
        body: 'CreateUser',
        responses: { 201: 'UserInfo', 400: 'Invalid input; details name each bad field', 404: 'Auth is off', 409: 'Exists' },
      }),
      input<{ json: z.input<typeof CreateUserSchema> }>(),
      (c) =>
        guarded(c, async (auth) =>
          c.json(await auth.createUser(await body(c, CreateUserSchema, 'invalid user'), changeMeta(c).author), 201),
        ),
    )
    .put(
      '/api/v1/auth/users/:name',
      doc({
        tag: 'auth',
        summary: 'Change a user’s role or password (admins)',
        body: 'UpdateUser',
        responses: { 200: 'UserInfo', 400: 'Invalid input; details name each bad field', 404: 'No such user, or auth is off' },
      }),
      input<{ json: z.input<typeof UpdateUserSchema> }>(),
      (c) =>
        guarded(c, async (auth) =>
          c.json(await auth.updateUser(c.req.param('name'), await body(c, UpdateUserSchema, 'invalid user change'), changeMeta(c).author)),
        ),
    )
    .delete(
      '/api/v1/auth/users/:name',
      doc({
        tag: 'auth',
        summary: 'Remove a user (admins); their sessions end',
        responses: { 204: 'Removed', 404: 'No such user, or auth is off' },
      }),
      (c) =>
        guarded(c, async (auth) => {
          await auth.removeUser(c.req.param('name'), changeMeta(c).author);
          return c.body(null, 204);
        }),
    )
    .route('/api/v1/auth/tokens', tokenRoutes('api'))
    .route('/api/v1/auth/kiosk-tokens', tokenRoutes('kiosk'));
}
