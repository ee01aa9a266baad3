import { ConfigError } from '../config/errors.ts';
import { loadSettings, type CliOptions } from '../config/settings.ts';
import { AuthRepo } from '../store/auth-repo.ts';
import { openClickHouse } from '../store/clickhouse.ts';
import { migrate } from '../store/migrations.ts';
import { AuthService, USERNAME_PATTERN } from './auth-service.ts';
import { randomPassword } from './passwords.ts';

/**
 * `northstar reset-password <user>`: a new random password for a user (an admin is created
 * when the name is unknown), printed once, with the server stopped. The way back in when the
 * first-run password was lost, since the server never prints it again.
 */
export async function runResetPasswordCommand(name: string, opts: Pick<CliOptions, 'dataDir'>): Promise<void> {
  if (!USERNAME_PATTERN.test(name))
    throw new ConfigError(`reset-password: "${name}" is not a user name (lowercase letters, digits, . _ -)`);
  const settings = loadSettings({ dataDir: opts.dataDir });
  let clickhouse;
  try {
    clickhouse = openClickHouse(settings);
    await migrate(clickhouse.client, undefined, { cluster: settings.clickhouseCluster });
  } catch (err) {
    // chdb keeps one process per data directory
    throw new ConfigError(
      `reset-password: cannot open the store at ${settings.dataDir} (is the server still running? stop it first): ${(err as Error).message}`,
    );
  }
  try {
    const auth = await AuthService.load(new AuthRepo(clickhouse.client), { sessionMs: settings.sessionHours * 3_600_000 });
    const password = randomPassword();
    const exists = auth.users().some((u) => u.name === name);
    if (exists) await auth.updateUser(name, { password }, 'reset-password');
    else await auth.createUser({ name, role: 'admin', password }, 'reset-password');
    process.stdout.write(
      `${exists ? 'New password for' : 'Created admin'} ${name}: ${password}\nIt is shown only now; their sessions have ended. Start the server and sign in.\n`,
    );
  } finally {
    await clickhouse.client.close();
  }
}
