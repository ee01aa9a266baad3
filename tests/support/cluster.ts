import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';

/**
 * `scripts/cluster.sh` driven from a test or a benchmark: three KRaft brokers, one
 * `northstar store`, three `northstar serve` with sign-in on, in a state dir and on ports
 * of its own (so a cluster someone runs by hand on the default ports is never touched).
 * Every part is stopped through the script (`down`, `stop NAME`), which stops by recorded pid.
 */

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(REPO_ROOT, 'scripts/cluster.sh');
export const CLUSTER_TOPIC = 'northstar.events';
export const CLUSTER_GROUP = 'northstar-cluster';
/** The rule-ownership group (issue 17.2): its 12 partitions are what decides which instance releases which alert rule. */
export const OWNERS_TOPIC = `${CLUSTER_TOPIC}.alert-owners`;
export const OWNERS_GROUP = `${CLUSTER_GROUP}.alert-owners`;
export type PartName = 'kafka-1' | 'kafka-2' | 'kafka-3' | 'store' | 'serve-1' | 'serve-2' | 'serve-3';

export const PARTS: readonly PartName[] = ['kafka-1', 'kafka-2', 'kafka-3', 'store', 'serve-1', 'serve-2', 'serve-3'];

/** `up` failed; what it had started (by pid) has been stopped with `down`. */
export class ClusterUpError extends Error {
  constructor(
    message: string,
    /** The parts `up` had started before it failed, and their pids. */
    readonly started: ReadonlyArray<readonly [PartName, number]>,
    readonly ports: number[],
  ) {
    super(message);
  }
}

export interface ClusterOptions {
  /** The model (northstar.yaml) every instance runs. */
  config: string;
  /** More environment for the script and the instances it starts (KAFKA_SESSION_TIMEOUT_MS, …). */
  env?: Record<string, string>;
}

export interface Cluster {
  dir: string;
  /** http://127.0.0.1:<port> of instances 1, 2 and 3. */
  instances: [string, string, string];
  brokers: string[];
  /** Every port the cluster listens on: brokers, controllers, instances, store. */
  ports: number[];
  storeUrl: string;
  storePassword: string;
  apiToken: string;
  adminPassword: string;
  /** What `up` printed (and logged on stderr), for a failure's message. */
  upOutput: string;
  pid(part: PartName): number | undefined;
  /** `scripts/cluster.sh stop|start NAME`. */
  stop(part: PartName): Promise<void>;
  start(part: PartName): Promise<void>;
  /** A client on the store, as the instances make theirs. */
  store(): ClickHouseClient;
  kafka(): Kafka;
  /** fetch() on an instance with the admin API token. */
  api(instance: number, route: string, init?: RequestInit): Promise<Response>;
  /** The tail of a part's log, for a failure's message. */
  logTail(part: PartName, chars?: number): string;
  /** `down`, then the state dir removed. Safe after a failed or partial `up`. */
  down(): Promise<void>;
}

export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A base with 10 free ports after it: brokers +0..2, controllers +3..5, instances +6..8, store +9. */
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + 10 * Math.floor(Math.random() * 3_000);
    const free = await Promise.all(Array.from({ length: 10 }, (_, i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no 10 free consecutive loopback ports found for the cluster');
}

function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('bash', [SCRIPT, ...args], { cwd: REPO_ROOT, env, timeout: timeoutMs, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'northstar-cluster-'));
  const configPath = path.join(dir, 'northstar.yaml');
  writeFileSync(configPath, opts.config);
  const base = await freeBase();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NORTHSTAR_CLUSTER_DIR: path.join(dir, 'state'),
    NORTHSTAR_CONFIG: configPath,
    CLUSTER_BROKER_PORT: String(base),
    CLUSTER_CONTROLLER_PORT: String(base + 3),
    CLUSTER_SERVE_PORT: String(base + 6),
    CLUSTER_STORE_PORT: String(base + 9),
    CLUSTER_STOP_GRACE: '10',
    LOG_LEVEL: 'info',
    ...opts.env,
  };
  const state = env.NORTHSTAR_CLUSTER_DIR!;
  const secret = (name: string) => readFileSync(path.join(state, 'secrets', name), 'utf8').trim();
  const brokers = [0, 1, 2].map((i) => `127.0.0.1:${base + i}`);
  const instances = [6, 7, 8].map((i) => `http://127.0.0.1:${base + i}`) as [string, string, string];
  const clients: ClickHouseClient[] = [];
  let downed = false;
  const cluster: Cluster = {
    dir,
    instances,
    brokers,
    ports: Array.from({ length: 10 }, (_, i) => base + i),
    storeUrl: `http://127.0.0.1:${base + 9}`,
    storePassword: '',
    apiToken: '',
    adminPassword: '',
    upOutput: '',
    pid: (part) => {
      try {
        return Number(readFileSync(path.join(state, 'pids', `${part}.pid`), 'utf8').split(' ')[0]);
      } catch {
        return undefined;
      }
    },
    stop: async (part) => {
      const r = await run(['stop', part], env, 120_000);
      if (r.code !== 0) throw new Error(`cluster.sh stop ${part} failed:\n${r.output}`);
    },
    start: async (part) => {
      const r = await run(['start', part], env, 300_000);
      if (r.code !== 0) throw new Error(`cluster.sh start ${part} failed:\n${r.output}\n${cluster.logTail(part)}`);
    },
    store: () => {
      const c = createClient({
        url: cluster.storeUrl,
        username: 'default',
        password: cluster.storePassword,
        log: { level: ClickHouseLogLevel.OFF },
        request_timeout: 120_000,
      });
      clients.push(c);
      return c;
    },
    kafka: () => new Kafka({ clientId: 'cluster-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 10 } }),
    api: (instance, route, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${cluster.apiToken}`);
      return fetch(`${instances[instance - 1]}${route}`, { ...init, headers });
    },
    logTail: (part, chars = 4_000) => {
      try {
        return readFileSync(path.join(state, 'logs', `${part}.log`), 'utf8').slice(-chars);
      } catch {
        return '(no log)';
      }
    },
    down: async () => {
      if (downed) return;
      downed = true;
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      const r = await run(['down'], env, 180_000);
      if (r.code !== 0) throw new Error(`cluster.sh down failed:\n${r.output}`);
      // CLUSTER_KEEP=1 keeps the state dir (logs, data) to look into after a failure
      if (process.env.CLUSTER_KEEP === '1') console.info(`cluster state kept in ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
  const up = await run(['up'], env, 600_000);
  cluster.upOutput = up.output;
  if (up.code !== 0) {
    // what started stays recorded: down stops it
    const started = PARTS.flatMap((p) => {
      const pid = cluster.pid(p);
      return pid === undefined ? [] : [[p, pid] as const];
    });
    await cluster.down().catch(() => undefined);
    throw new ClusterUpError(`cluster.sh up failed (exit ${up.code}):\n${up.output.slice(-6_000)}`, started, cluster.ports);
  }
  cluster.storePassword = secret('store-password');
  cluster.apiToken = secret('api-token');
  cluster.adminPassword = secret('admin-password');
  return cluster;
}

/**
 * The partitions of each member of a consumer group of the instances (the events group, or with
 * OWNERS_GROUP/OWNERS_TOPIC the rule owners), once it is stable with `members` members.
 */
export async function groupAssignment(
  kafka: Kafka,
  members: number,
  group = CLUSTER_GROUP,
  topic = CLUSTER_TOPIC,
): Promise<number[][] | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [g] = (await admin.describeGroups([group])).groups;
    if (!g || g.state !== 'Stable' || g.members.length !== members) return undefined;
    return g.members.map((m) =>
      [...(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? [])].sort((a, b) => a - b),
    );
  } finally {
    await admin.disconnect();
  }
}

/** The sum of an instance's samples of a Prometheus metric whose labels include `labels`. */
export async function instanceMetric(
  cluster: Cluster,
  instance: number,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const res = await cluster.api(instance, '/metrics');
  if (!res.ok) throw new Error(`instance ${instance}: GET /metrics ${res.status}`);
  let sum = 0;
  for (const m of (await res.text()).matchAll(/^(\w+)(?:\{([^}]*)\})?\s+(\S+)$/gm)) {
    if (m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

/**
 * Which partitions an instance consumes: those it reports consumer lag for
 * (`northstar_kafka_consumer_lag{partition}`, set on each batch it takes). Only meaningful
 * for partitions that received a message since the instance's last rebalance.
 */
export async function lagPartitions(cluster: Cluster, instance: number): Promise<number[]> {
  const text = await (await cluster.api(instance, '/metrics')).text();
  const out = new Set<number>();
  for (const m of text.matchAll(/^northstar_kafka_consumer_lag\{partition="(\d+)"\}/gm)) out.add(Number(m[1]));
  return [...out].sort((a, b) => a - b);
}
