import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_READ_FIRST_MAX_HOLD_MS } from '../store/read-first-gate.ts';
import { DEFAULT_HISTORY_CACHE_MAX_BYTES, DEFAULT_HISTORY_CACHE_MAX_ENTRIES } from '../store/series-cache.ts';
import type { Retention } from '../store/retention.ts';
import { ConfigError } from './errors.ts';
import { readOidcSettings, type OidcSettings } from './oidc-settings.ts';

/**
 * Every knob of the server in one typed object. Only this module reads process.env;
 * names carry their units.
 */
export interface Settings {
  host: string;
  port: number;
  dataDir: string;
  configPath: string;
  demo: boolean;
  /** Empty: HTTP ingest only (the embedded default). */
  kafkaBrokers: string[];
  kafkaTopic: string;
  kafkaDlqTopic: string;
  kafkaGroupId: string;
  /** The compacted topic of KPI partials every instance publishes and reads (issue 17). */
  kafkaPartialsTopic: string;
  /** How long the group waits for a silent member (a killed process) before giving its partitions to others. */
  kafkaSessionTimeoutMs: number;
  /** The topic the owners of the events' partitions answer HTTP instances on (ingest/kafka-verdicts.ts). */
  kafkaVerdictsTopic: string;
  /** How long an HTTP request whose events went through Kafka waits for their verdicts before a 503. */
  ingestVerdictTimeoutMs: number;
  /** Set: talk to that ClickHouse server; unset: chdb on disk under dataDir. */
  clickhouseUrl: string | undefined;
  /** Credentials for CLICKHOUSE_URL's server, unless the URL carries them. */
  clickhouseUser: string | undefined;
  clickhousePassword: string | undefined;
  /** Set: migrations create replicated tables ON CLUSTER and Distributed tables over them (store/cluster-ddl.ts). */
  clickhouseCluster: string | undefined;
  /**
   * chdb only: how long ingest's next insert or id check waits for the history reads in
   * flight, so charts get the engine first (store/read-first-gate.ts); 0: off.
   */
  readFirstMaxHoldMs: number;
  /**
   * The history series cache's bound in bytes (store/series-cache.ts); 0: off. Always off
   * with CLICKHOUSE_URL: other processes write to a shared store, and this one would not
   * see their writes to forget what they touched.
   */
  historyCacheMaxBytes: number;
  historyCacheMaxEntries: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  httpBodyLimitBytes: number;
  ingestFlushRows: number;
  /** Threads that parse and validate ingest off the main thread (ingest/decode-pool.ts); unset: cores − 1; 0: none. */
  decodeThreads?: number;
  ingestFlushIntervalMs: number;
  evaluateIntervalMs: number;
  wsFrameIntervalMs: number;
  wsMaxBufferedBytes: number;
  /** Processes that hold the WebSocket sockets and write their frames (live/socket-workers.ts); unset: the hub's default; 0: the main process. */
  liveWorkers?: number;
  wsHeartbeatIntervalMs: number;
  webDir: string;
  /** A pre-provisioned machine token with the admin scope (`Authorization: Bearer <token>`); never stored. */
  apiToken: string | undefined;
  /** Users, sessions and tokens required (the default); off only for a local demo (NORTHSTAR_AUTH=off, serve --no-auth). */
  authEnabled: boolean;
  /** Origins besides the server's own that may open the WebSocket and make cookie writes (NORTHSTAR_ALLOWED_ORIGINS). */
  allowedOrigins: string[];
  /**
   * Origins an admin allows to embed boards and tiles in a frame (NORTHSTAR_EMBED_ORIGINS): the
   * Content-Security-Policy's frame-ancestors. Empty (the default): no page may frame the wall.
   */
  embedOrigins: string[];
  /**
   * The key that encrypts notification channels' secrets at rest (NORTHSTAR_SECRET_KEY: 32 bytes
   * as 64 hex characters or base64). Unset: a key file in the data directory, made on first use.
   */
  secretKey: string | undefined;
  /**
   * Host names (besides IP literals, localhost and the bind host) that requests may carry in
   * Host: anything else is refused, against DNS rebinding (NORTHSTAR_ALLOWED_HOSTS; `*`: any).
   */
  allowedHosts: string[];
  /**
   * Addresses of reverse proxies whose X-Forwarded-For is believed (NORTHSTAR_TRUSTED_PROXIES,
   * IPs or CIDR ranges). Empty: the socket's address is the client's.
   */
  trustedProxies: string[];
  sessionHours: number;
  /** Ingest requests per second per token (a bucket holding twice that for bursts). */
  ingestRequestsPerSecond: number;
  /** Failed sign-ins per minute allowed per user name (over all addresses) and per client address (over all names) before backoff. */
  loginAttemptsPerMinute: number;
  /** Days raw events and each rollup level are kept (ClickHouse TTL); 0 keeps them forever. */
  retention: Retention;
  /** Single sign-on (NORTHSTAR_OIDC_*); undefined: local accounts only. */
  oidc: OidcSettings | undefined;
}

/** Options as the CLI hands them over; undefined means "not given". */
export interface CliOptions {
  host?: string;
  port?: string;
  dataDir?: string;
  config?: string;
  demo?: boolean;
  /** false from `--no-auth`. */
  auth?: boolean;
}

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const days = z.coerce.number().int().min(0).max(100_000);

const envSchema = z.object({
  PORT: port.optional(),
  HOST: z.string().min(1).optional(),
  NORTHSTAR_DATA_DIR: z.string().min(1).optional(),
  NORTHSTAR_CONFIG: z.string().min(1).optional(),
  NORTHSTAR_DEMO: z.enum(['0', '1', 'true', 'false']).optional(),
  KAFKA_BROKERS: z.string().optional(),
  KAFKA_TOPIC: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/)
    .optional(),
  KAFKA_GROUP_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/)
    .optional(),
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).optional(),
  INGEST_VERDICT_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).optional(),
  CLICKHOUSE_URL: z.url().optional(),
  CLICKHOUSE_USER: z.string().min(1).max(128).optional(),
  CLICKHOUSE_PASSWORD: z.string().max(512).optional(),
  NORTHSTAR_CLICKHOUSE_CLUSTER: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be a cluster name from the server config (letters, digits, _)')
    .optional(),
  STORE_READ_FIRST_MAX_HOLD_MS: z.coerce.number().int().min(0).max(10_000).optional(),
  HISTORY_CACHE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(4 * 1024 ** 3)
    .optional(),
  HISTORY_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  HTTP_BODY_LIMIT_BYTES: positiveInt.optional(),
  INGEST_FLUSH_ROWS: positiveInt.optional(),
  NORTHSTAR_DECODE_THREADS: z.coerce.number().int().min(0).max(64).optional(),
  INGEST_FLUSH_INTERVAL_MS: positiveInt.optional(),
  EVALUATE_INTERVAL_MS: positiveInt.optional(),
  WS_FRAME_INTERVAL_MS: positiveInt.optional(),
  WS_MAX_BUFFERED_BYTES: positiveInt.optional(),
  NORTHSTAR_LIVE_WORKERS: z.coerce.number().int().min(0).max(16).optional(),
  NORTHSTAR_WEB_DIR: z.string().min(1).optional(),
  NORTHSTAR_API_TOKEN: z.string().min(16, 'must be at least 16 characters').max(512).optional(),
  NORTHSTAR_AUTH: z.enum(['on', 'off', '1', '0', 'true', 'false'], 'must be on or off').optional(),
  NORTHSTAR_ALLOWED_ORIGINS: z.string().optional(),
  NORTHSTAR_EMBED_ORIGINS: z.string().max(4096).optional(),
  NORTHSTAR_SECRET_KEY: z.string().max(200).optional(),
  NORTHSTAR_ALLOWED_HOSTS: z.string().max(4096).optional(),
  NORTHSTAR_TRUSTED_PROXIES: z.string().max(4096).optional(),
  // sessions are kept at most 31 days in the store (auth_records TTL)
  NORTHSTAR_SESSION_HOURS: z.coerce.number().min(0.001).max(720).optional(),
  NORTHSTAR_INGEST_RATE: positiveInt.optional(),
  NORTHSTAR_LOGIN_RATE: positiveInt.optional(),
  RAW_RETENTION_DAYS: days.optional(),
  ROLLUP_MINUTE_RETENTION_DAYS: days.optional(),
  ROLLUP_HOUR_RETENTION_DAYS: days.optional(),
  ROLLUP_DAY_RETENTION_DAYS: days.optional(),
});

/**
 * Defaults: raw events for 120 days, enough to rebuild the longest live window
 * (quarter-to-date) and to draw sub-minute steps over a quarter; minute rollups for 400
 * days, so a last-year comparison still has minute steps; hour and day rollups forever
 * (a few rows per metric and dims combination per hour), the history analysts drill into.
 */
const RETENTION_DEFAULT_DAYS = { raw: 120, minute: 400, hour: 0, day: 0 };

function readRetention(e: z.infer<typeof envSchema>): Retention {
  const r: Retention = {
    rawDays: e.RAW_RETENTION_DAYS ?? RETENTION_DEFAULT_DAYS.raw,
    minuteDays: e.ROLLUP_MINUTE_RETENTION_DAYS ?? RETENTION_DEFAULT_DAYS.minute,
    hourDays: e.ROLLUP_HOUR_RETENTION_DAYS ?? RETENTION_DEFAULT_DAYS.hour,
    dayDays: e.ROLLUP_DAY_RETENTION_DAYS ?? RETENTION_DEFAULT_DAYS.day,
  };
  // a series reads the coarsest level that fits, so a coarser level must keep at least as long
  const order: Array<[string, number]> = [
    ['ROLLUP_MINUTE_RETENTION_DAYS', r.minuteDays],
    ['ROLLUP_HOUR_RETENTION_DAYS', r.hourDays],
    ['ROLLUP_DAY_RETENTION_DAYS', r.dayDays],
  ];
  const forever = (d: number) => (d === 0 ? Infinity : d);
  for (let i = 1; i < order.length; i++) {
    const [finer, finerDays] = order[i - 1] as [string, number];
    const [coarser, coarserDays] = order[i] as [string, number];
    if (forever(coarserDays) < forever(finerDays)) {
      throw new ConfigError(`environment variable ${coarser}: keeps less than ${finer}; a coarser rollup must keep at least as long`);
    }
  }
  return r;
}

/** The API token alone, for commands that talk to a running server (import). */
export function apiTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return parseEnv(env).NORTHSTAR_API_TOKEN;
}

const BROKER_PATTERN = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** `https://wall.example.com,http://localhost:5173`: scheme, host and port only, as browsers send Origin. */
function readOrigins(raw: string | undefined, variable = 'NORTHSTAR_ALLOWED_ORIGINS'): string[] {
  const origins: string[] = [];
  for (const part of (raw ?? '').split(',').map((o) => o.trim())) {
    if (part === '') continue;
    const url = URL.canParse(part) ? new URL(part) : undefined;
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== part.replace(/\/$/, '')) {
      throw new ConfigError(`environment variable ${variable}: "${part}" is not an origin like https://wall.example.com`);
    }
    origins.push(url.origin);
  }
  return origins;
}

/** `wall.example.com,metrics.internal` (or `*`): host names as browsers send them in Host, without port. */
function readHosts(raw: string | undefined): string[] {
  const hosts: string[] = [];
  for (const part of (raw ?? '').split(',').map((h) => h.trim().toLowerCase())) {
    if (part === '') continue;
    if (part !== '*' && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(part)) {
      throw new ConfigError(
        `environment variable NORTHSTAR_ALLOWED_HOSTS: "${part}" is not a host name like wall.example.com (no scheme, no port)`,
      );
    }
    hosts.push(part);
  }
  return hosts;
}

/** `10.0.0.5,10.1.0.0/16,::1`: addresses or CIDR ranges of trusted reverse proxies. */
function readProxies(raw: string | undefined): string[] {
  const proxies: string[] = [];
  for (const part of (raw ?? '').split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const [addr, bits, extra] = part.split('/');
    const family = isIP(addr ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !okBits || extra !== undefined) {
      throw new ConfigError(`environment variable NORTHSTAR_TRUSTED_PROXIES: "${part}" is not an IP address or CIDR range like 10.0.0.0/8`);
    }
    proxies.push(part);
  }
  return proxies;
}

function parseEnv(env: NodeJS.ProcessEnv): z.infer<typeof envSchema> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`environment variable ${String(issue?.path[0])}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function parsePortOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = port.safeParse(value);
  if (!parsed.success) throw new ConfigError(`option --port: "${value}" is not a port number (0-65535)`);
  return parsed.data;
}

export function defaultWebDir(): string {
  return path.resolve(import.meta.dirname, '../../../web/dist');
}

/** CLI options win over environment variables, which win over defaults. */
export function loadSettings(cli: CliOptions, env: NodeJS.ProcessEnv = process.env): Settings {
  const e = parseEnv(env);
  if (e.NORTHSTAR_CLICKHOUSE_CLUSTER && !e.CLICKHOUSE_URL) {
    throw new ConfigError(
      'environment variable NORTHSTAR_CLICKHOUSE_CLUSTER: needs CLICKHOUSE_URL (a server of that cluster); the embedded store is one node',
    );
  }
  const brokers = (e.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  for (const b of brokers) {
    if (!BROKER_PATTERN.test(b)) throw new ConfigError(`environment variable KAFKA_BROKERS: "${b}" is not host:port`);
  }
  const topic = e.KAFKA_TOPIC ?? 'northstar.events';
  const envDemo = e.NORTHSTAR_DEMO === undefined ? undefined : e.NORTHSTAR_DEMO === '1' || e.NORTHSTAR_DEMO === 'true';
  return {
    host: cli.host ?? e.HOST ?? '127.0.0.1',
    port: parsePortOption(cli.port) ?? e.PORT ?? 8080,
    dataDir: path.resolve(cli.dataDir ?? e.NORTHSTAR_DATA_DIR ?? './data'),
    configPath: path.resolve(cli.config ?? e.NORTHSTAR_CONFIG ?? 'northstar.yaml'),
    demo: cli.demo ?? envDemo ?? false,
    kafkaBrokers: brokers,
    kafkaTopic: topic,
    kafkaDlqTopic: `${topic}.dlq`,
    kafkaPartialsTopic: `${topic}.kpi-partials`,
    kafkaGroupId: e.KAFKA_GROUP_ID ?? 'northstar-ingest',
    kafkaSessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS ?? 30_000,
    kafkaVerdictsTopic: `${topic}.ingest-verdicts`,
    // a store that is slow for a moment answers within this; a consumer that is stuck or
    // being rebalanced (its session timeout) does not, and the producer retries the request
    ingestVerdictTimeoutMs: e.INGEST_VERDICT_TIMEOUT_MS ?? 15_000,
    clickhouseUrl: e.CLICKHOUSE_URL,
    clickhouseUser: e.CLICKHOUSE_USER,
    clickhousePassword: e.CLICKHOUSE_PASSWORD,
    clickhouseCluster: e.NORTHSTAR_CLICKHOUSE_CLUSTER,
    readFirstMaxHoldMs: e.STORE_READ_FIRST_MAX_HOLD_MS ?? DEFAULT_READ_FIRST_MAX_HOLD_MS,
    // a shared store (CLICKHOUSE_URL: a server, a cluster, `northstar store`) takes writes
    // from other processes that this one's cache would never hear of: off there, always
    historyCacheMaxBytes: e.CLICKHOUSE_URL ? 0 : (e.HISTORY_CACHE_MAX_BYTES ?? DEFAULT_HISTORY_CACHE_MAX_BYTES),
    historyCacheMaxEntries: e.HISTORY_CACHE_MAX_ENTRIES ?? DEFAULT_HISTORY_CACHE_MAX_ENTRIES,
    logLevel: e.LOG_LEVEL ?? 'info',
    httpBodyLimitBytes: e.HTTP_BODY_LIMIT_BYTES ?? 10 * 1024 * 1024,
    // about a second's worth of rows at the demo's top rate; ClickHouse wants few, large inserts
    ingestFlushRows: e.INGEST_FLUSH_ROWS ?? 20_000,
    decodeThreads: e.NORTHSTAR_DECODE_THREADS,
    // the age bound keeps a trickle of events from waiting: tiles update after the write
    ingestFlushIntervalMs: e.INGEST_FLUSH_INTERVAL_MS ?? 100,
    evaluateIntervalMs: e.EVALUATE_INTERVAL_MS ?? 250,
    wsFrameIntervalMs: e.WS_FRAME_INTERVAL_MS ?? 100,
    wsMaxBufferedBytes: e.WS_MAX_BUFFERED_BYTES ?? 1024 * 1024,
    liveWorkers: e.NORTHSTAR_LIVE_WORKERS,
    wsHeartbeatIntervalMs: 5_000,
    webDir: e.NORTHSTAR_WEB_DIR ? path.resolve(e.NORTHSTAR_WEB_DIR) : defaultWebDir(),
    apiToken: e.NORTHSTAR_API_TOKEN,
    authEnabled: cli.auth === false ? false : e.NORTHSTAR_AUTH === undefined ? true : ['on', '1', 'true'].includes(e.NORTHSTAR_AUTH),
    allowedOrigins: readOrigins(e.NORTHSTAR_ALLOWED_ORIGINS),
    embedOrigins: readOrigins(e.NORTHSTAR_EMBED_ORIGINS, 'NORTHSTAR_EMBED_ORIGINS'),
    secretKey: e.NORTHSTAR_SECRET_KEY,
    allowedHosts: readHosts(e.NORTHSTAR_ALLOWED_HOSTS),
    trustedProxies: readProxies(e.NORTHSTAR_TRUSTED_PROXIES),
    sessionHours: e.NORTHSTAR_SESSION_HOURS ?? 12,
    // generous for producers that batch (the importer sends one request per 10 000 rows)
    ingestRequestsPerSecond: e.NORTHSTAR_INGEST_RATE ?? 50,
    loginAttemptsPerMinute: e.NORTHSTAR_LOGIN_RATE ?? 10,
    retention: readRetention(e),
    oidc: readOidcSettings(env),
  };
}

/** `northstar store`'s options: its own port (8123, as clickhouse-server), user and password. */
export interface StoreServerSettings {
  host: string;
  port: number;
  dataDir: string;
  user: string;
  /** Unset: the command generates one and prints it once. */
  password: string | undefined;
  maxBodyBytes: number;
  /** Statements running or queued at once; more are refused (ClickHouse's max_concurrent_queries). */
  maxConcurrentQueries: number;
}

export interface StoreServerOptions {
  port?: string;
  host?: string;
  dataDir?: string;
  user?: string;
  password?: string;
  maxBodyBytes?: string;
  maxConcurrentQueries?: string;
}

const storeEnvSchema = z.object({
  NORTHSTAR_STORE_PORT: port.optional(),
  NORTHSTAR_STORE_HOST: z.string().min(1).optional(),
  NORTHSTAR_DATA_DIR: z.string().min(1).optional(),
  NORTHSTAR_STORE_USER: z.string().optional(),
  NORTHSTAR_STORE_PASSWORD: z.string().optional(),
  NORTHSTAR_STORE_MAX_BODY_BYTES: z.string().optional(),
  NORTHSTAR_STORE_MAX_CONCURRENT_QUERIES: z.string().optional(),
});

export function loadStoreServerSettings(cli: StoreServerOptions, env: NodeJS.ProcessEnv = process.env): StoreServerSettings {
  const parsed = storeEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`environment variable ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const user = cli.user ?? e.NORTHSTAR_STORE_USER ?? 'default';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(user)) throw new ConfigError(`store user "${user.slice(0, 80)}" must be 1-64 letters, digits, _ . -`);
  const password = cli.password ?? e.NORTHSTAR_STORE_PASSWORD;
  if (password !== undefined && password.length < 12) {
    throw new ConfigError('the store password (--password / NORTHSTAR_STORE_PASSWORD) must be at least 12 characters');
  }
  const maxBody = cli.maxBodyBytes ?? e.NORTHSTAR_STORE_MAX_BODY_BYTES;
  const maxBodyBytes = maxBody === undefined ? 128 * 1024 * 1024 : Number(maxBody);
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1024 || maxBodyBytes > 2 ** 31) {
    throw new ConfigError(`store max body bytes "${maxBody}" must be an integer from 1024 to 2147483648`);
  }
  const concurrent = cli.maxConcurrentQueries ?? e.NORTHSTAR_STORE_MAX_CONCURRENT_QUERIES;
  // a body may be held in memory per statement: this bounds memory at about this times the body limit
  const maxConcurrentQueries = concurrent === undefined ? 32 : Number(concurrent);
  if (!Number.isInteger(maxConcurrentQueries) || maxConcurrentQueries < 1 || maxConcurrentQueries > 1000) {
    throw new ConfigError(`store max concurrent queries "${concurrent}" must be an integer from 1 to 1000`);
  }
  return {
    host: cli.host ?? e.NORTHSTAR_STORE_HOST ?? '127.0.0.1',
    port: parsePortOption(cli.port) ?? e.NORTHSTAR_STORE_PORT ?? 8123,
    dataDir: path.resolve(cli.dataDir ?? e.NORTHSTAR_DATA_DIR ?? './data'),
    user,
    password,
    maxBodyBytes,
    maxConcurrentQueries,
  };
}
