import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { AuthService } from '../auth/auth-service.ts';
import type { Settings } from '../config/settings.ts';
import { every } from '../schedule/every.ts';
import { AuthRepo } from '../store/auth-repo.ts';

/**
 * How often expired sessions are looked for, and users and tokens re-read from the store
 * (changes made on another instance): the longest a revocation there takes to apply here.
 */
const AUTH_REFRESH_MS = 30_000;

/** Users, tokens and sessions (null when auth is off), kept fresh on a timer until `stop`. */
export async function startAuth(settings: Settings, client: ClickHouseClient, log: Logger) {
  if (!settings.authEnabled) {
    log.warn('auth is off (NORTHSTAR_AUTH=off): anyone who can reach this port can read and change everything');
    return { auth: null, bootstrap: null, adminByAnotherInstance: false, stop: () => undefined };
  }
  const auth = await AuthService.load(new AuthRepo(client), {
    sessionMs: settings.sessionHours * 3_600_000,
    envToken: settings.apiToken,
  });
  const made = await auth.bootstrap();
  const bootstrap = made?.password ? { username: made.username, password: made.password } : null;
  const adminByAnotherInstance = made !== null && made.password === null;
  if (adminByAnotherInstance)
    log.info('auth on: another instance sharing the store created the admin at the same moment; it printed the password');
  else if (!bootstrap) log.info({ users: auth.userCount }, 'auth on: users exist, no bootstrap secret printed');
  const sweep = every(
    AUTH_REFRESH_MS,
    () => {
      auth.sweepExpired();
      return auth.refresh();
    },
    (err) => log.warn({ err: err.message }, 'auth: re-reading users and tokens failed'),
  );
  return { auth, bootstrap, adminByAnotherInstance, stop: () => sweep.stop() };
}
