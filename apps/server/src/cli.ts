#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from './config/errors.ts';
import { loadKpiConfig } from './config/kpi-file.ts';
import { createLogger } from './config/logger.ts';
import { loadSettings, type CliOptions } from './config/settings.ts';
import { runDemoCommand } from './demo/command.ts';
import { startDemoFor } from './demo/embedded.ts';
import { runResetPasswordCommand } from './auth/reset-command.ts';
import { runImportCommand } from './importer/command.ts';
import { startServer } from './server.ts';
import { runStoreCommand } from './store-server/command.ts';
import { SERVER_VERSION } from './version.ts';

/** Bad options, environment or config files exit with 2, as the operator must fix them. */
const EXIT_CONFIG = 2;

function buildProgram(): Command {
  const program = new Command('northstar')
    .description('Northstar: a live KPI alignment wall.')
    .version(SERVER_VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('serve')
    .description('Run the server: ingest (HTTP, and Kafka when KAFKA_BROKERS is set), evaluation, the live wall.')
    .option('--port <port>', 'HTTP and WebSocket port (env PORT)', undefined)
    .option('--host <host>', 'address to bind; loopback unless you mean it (env HOST)', undefined)
    .option('--data-dir <dir>', 'where the embedded store (chdb) keeps its files (env NORTHSTAR_DATA_DIR)', undefined)
    .option('--config <file>', 'objectives and KPIs in YAML (env NORTHSTAR_CONFIG)', undefined)
    .option('--demo', 'also run the demo producer, feeding the server over HTTP (env NORTHSTAR_DEMO=1)')
    .option('--no-demo', 'do not run the demo producer (the default)')
    .option('--no-auth', 'no sign-in, no tokens: anyone who can reach the port may do anything; a local demo only (env NORTHSTAR_AUTH=off)')
    .addHelpText(
      'after',
      `
Defaults: --port 8080 --host 127.0.0.1 --data-dir ./data --config northstar.yaml
Other environment variables:
  KAFKA_BROKERS=host:port,...  also consume the topic northstar.events (KAFKA_TOPIC, KAFKA_GROUP_ID)
  CLICKHOUSE_URL=http://...    use that ClickHouse server instead of the embedded chdb
  LOG_LEVEL=info               fatal|error|warn|info|debug|trace|silent (JSON logs on stderr)
  NORTHSTAR_AUTH=off           same as --no-auth
  NORTHSTAR_API_TOKEN=...      a machine token with the admin scope, for provisioning and import
  NORTHSTAR_ALLOWED_ORIGINS=https://a,https://b   other origins that may open the WebSocket and write
On the first start with auth on, a user "admin" is created and its password printed once.`,
    )
    .action(async (opts: CliOptions) => {
      // commander sets auth=true unless --no-auth was given; only the switch counts, the env decides otherwise
      const settings = loadSettings({ ...opts, auth: opts.auth === false ? false : undefined });
      const model = loadKpiConfig(settings.configPath);
      const log = createLogger(settings.logLevel);
      const server = await startServer(settings, model, log);
      // the demo producer posts over HTTP like any producer: with a token that dies with this process
      const demoToken = server.auth?.ephemeralToken('demo producer', ['ingest', 'read']);
      const demo = settings.demo ? await startDemoFor(server.url, log, demoToken) : undefined;
      const signIn = server.bootstrap
        ? `\nFirst start: created the admin user. Sign in at ${server.url}/#/login with\n` +
          `  user:     ${server.bootstrap.username}\n  password: ${server.bootstrap.password}\n` +
          `This password is shown only now; change it under your name after signing in ` +
          `(lost it? stop the server and run \`northstar reset-password admin\`).\n\n`
        : server.adminByAnotherInstance
          ? `\nFirst start: the admin user was created by another instance sharing this store at the same moment; ` +
            `its password was printed there, not here (lost it? run \`northstar reset-password admin\`).\n`
          : server.auth
            ? 'Sign-in required (an admin exists; its first password was printed on the first start only).\n'
            : `Auth is OFF (--no-auth / NORTHSTAR_AUTH=off): anyone who can reach ${server.url} can change everything.\n`;
      // one write, so whoever reads the first line has the sign-in line too
      process.stdout.write(
        `Northstar is live at ${server.url}  (${model.config.kpis.length} KPIs, ${model.config.objectives.length} objectives${demo ? ', demo producer on' : ''})\n${signIn}`,
      );
      // pending writes are flushed and Kafka offsets committed before the exit; 0 means all of it worked
      const shutdown = async (signal: string) => {
        log.info({ signal }, 'shutting down');
        try {
          await demo?.stop();
          await server.close();
          log.info('pending writes flushed, offsets committed; bye');
          process.exit(0);
        } catch (err) {
          log.error({ err: (err as Error).message }, 'shutdown did not complete cleanly');
          process.exit(1);
        }
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
    });

  program
    .command('demo')
    .description('Run the demo producer alone, against a running server or a Kafka topic.')
    .addOption(
      new Option('--target <url>', 'server to POST events to (sends NORTHSTAR_API_TOKEN, which needs the ingest scope)').conflicts('kafka'),
    )
    .addOption(new Option('--kafka <brokers>', 'produce to Kafka instead (host:port,...)'))
    .option('--topic <topic>', 'Kafka topic', 'northstar.events')
    .option('--seed <n>', 'random seed, for a replayable stream', '42')
    .option('--backfill <duration>', 'first generate this much history (e.g. 2h)', '0s')
    .option('--duration <duration>', 'stop after this long (e.g. 10m); default: run until Ctrl-C')
    .action(runDemoCommand);

  program
    .command('import')
    .description('Load historical events from a CSV or NDJSON file into a running server, validated as live ingest validates.')
    .argument('<file>', 'CSV (header: metric,value,ts,id,dim.<name>...) or NDJSON (one event per line)')
    .option('--target <url>', 'the running server', 'http://127.0.0.1:8080')
    .addOption(new Option('--format <format>', 'default: from the file extension').choices(['csv', 'ndjson']))
    .option('--batch <rows>', 'rows per request', '10000')
    .addHelpText(
      'after',
      `
Each batch is sent with Idempotency-Key: <sha256 of the file>:<batch index>, so importing
the same file again stores nothing twice. Exit status: 0 something was imported,
1 nothing could be, 2 bad options. NORTHSTAR_API_TOKEN is sent when set.`,
    )
    .action(runImportCommand);

  program
    .command('store')
    .description(
      "Serve the embedded store (chdb, on its data directory) over ClickHouse's HTTP interface, so several instances share it through CLICKHOUSE_URL. For one-machine setups and tests; production points CLICKHOUSE_URL at a ClickHouse server.",
    )
    .option('--port <port>', 'HTTP port (env NORTHSTAR_STORE_PORT); 8123 as clickhouse-server', undefined)
    .option('--host <host>', 'address to bind; loopback unless you mean it (env NORTHSTAR_STORE_HOST)', undefined)
    .option('--data-dir <dir>', 'the directory whose chdb/ it serves (env NORTHSTAR_DATA_DIR); no other process may open it', undefined)
    .option('--user <name>', 'the one user (env NORTHSTAR_STORE_USER); default "default"', undefined)
    .option(
      '--password <password>',
      'its password, 12+ characters (env NORTHSTAR_STORE_PASSWORD; prefer the env: options show in ps); generated and printed when unset',
      undefined,
    )
    .option('--max-body-bytes <n>', 'the largest request body, compressed or inflated (env NORTHSTAR_STORE_MAX_BODY_BYTES)', undefined)
    .option(
      '--max-concurrent-queries <n>',
      'statements running or queued at once, more are refused (env NORTHSTAR_STORE_MAX_CONCURRENT_QUERIES); default 32',
      undefined,
    )
    .action(runStoreCommand);

  program
    .command('reset-password')
    .description('Give a user a new random password, printed once (creates an admin if the name is unknown). Stop the server first.')
    .argument('<user>', 'user name, e.g. admin')
    .option('--data-dir <dir>', 'the embedded store directory (env NORTHSTAR_DATA_DIR); CLICKHOUSE_URL is used when set', undefined)
    .action(async (user: string, opts: { dataDir?: string }) => {
      await runResetPasswordCommand(user, opts);
      process.exit(0);
    });
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are not errors; commander has already printed the message otherwise
      process.exit(err.exitCode === 0 ? 0 : EXIT_CONFIG);
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`northstar: ${err.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    process.stderr.write(`northstar: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  }
}

await main(process.argv);
