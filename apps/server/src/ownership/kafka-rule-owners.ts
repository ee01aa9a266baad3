import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import type { AssignedOwnership } from '../alerts/ownership.ts';

export interface KafkaRuleOwnersOptions {
  brokers: string[];
  /** `<events topic>.alert-owners`: nothing is written to it, its partitions are what the group hands out. */
  topic: string;
  partitions: number;
  /** `<group>.alert-owners`: every instance joins it. */
  groupId: string;
  sessionTimeoutMs: number;
  ownership: AssignedOwnership;
  log: Logger;
  now?: () => number;
}

/**
 * Alert-rule ownership from a Kafka consumer-group assignment (issue 17.2): every instance
 * joins one group on a small topic with a fixed number of partitions, and the coordinator
 * assigns each partition to one member, moving it when a member leaves or stops
 * heartbeating. The member feeds AssignedOwnership: a completed join assigns, a rebalance
 * starting, a crash or a stop revokes at once, and each accepted heartbeat renews the lease.
 * kafkajs's protocol is eager (every member gives up its partitions before any is handed out
 * again), which is what makes "one owner at a time" hold during a handover.
 */
export class KafkaRuleOwners {
  readonly #opts: KafkaRuleOwnersOptions;
  readonly #kafka: Kafka;
  readonly #consumer: Consumer;
  readonly #now: () => number;

  constructor(opts: KafkaRuleOwnersOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#kafka = new Kafka({
      clientId: 'northstar-alert-owners',
      brokers: opts.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => opts.log.warn({ kafka: entry.namespace, ...entry.log }, entry.log.message),
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    this.#consumer = this.#kafka.consumer({
      groupId: opts.groupId,
      sessionTimeout: opts.sessionTimeoutMs,
      // several heartbeats per lease, so one late heartbeat does not drop ownership
      heartbeatInterval: Math.max(500, Math.min(3_000, Math.floor(opts.sessionTimeoutMs / 6))),
      rebalanceTimeout: opts.sessionTimeoutMs,
      maxWaitTimeInMs: 250,
    });
    const { ownership, log } = opts;
    const { GROUP_JOIN, HEARTBEAT, REBALANCING, CRASH, STOP, DISCONNECT } = this.#consumer.events;
    this.#consumer.on(GROUP_JOIN, ({ payload }) => {
      const partitions = payload.memberAssignment[opts.topic] ?? [];
      ownership.assign(partitions, this.#now());
      log.info({ partitions: ownership.assigned, member: payload.memberId }, 'alert rules assigned');
    });
    this.#consumer.on(HEARTBEAT, () => ownership.heartbeat(this.#now()));
    for (const event of [REBALANCING, CRASH, STOP, DISCONNECT]) {
      this.#consumer.on(event, () => {
        if (ownership.assigned.length > 0) log.info({ event }, 'alert rules revoked');
        ownership.revokeAll();
      });
    }
  }

  async start(): Promise<void> {
    const admin = this.#kafka.admin();
    await admin.connect();
    try {
      await this.#ensureTopic(admin);
    } finally {
      await admin.disconnect();
    }
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#opts.topic, fromBeginning: false });
    // nothing to read: the assignment is the point; offsets are never committed
    await this.#consumer.run({ autoCommit: false, eachBatch: async ({ heartbeat }) => heartbeat() });
  }

  async #ensureTopic(admin: Admin): Promise<void> {
    if ((await admin.listTopics()).includes(this.#opts.topic)) return;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: this.#opts.topic,
            numPartitions: this.#opts.partitions,
            // replicated where the cluster allows: losing a broker must not take the assignment's topic with it
            replicationFactor: Math.min(3, (await admin.describeCluster()).brokers.length),
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
      });
    } catch (err) {
      // another instance created it meanwhile
      if (!(await admin.listTopics()).includes(this.#opts.topic)) throw err;
    }
  }

  /** Leaves the group: the others take this member's rules at the next rebalance, without waiting for a session timeout. */
  async stop(): Promise<void> {
    this.#opts.ownership.revokeAll();
    await this.#consumer.disconnect();
  }
}
