import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { AssignedOwnership } from '../alerts/ownership.ts';
import { kafkaClient } from '../kafka/client.ts';
import { startWithRetry } from '../kafka/start-retry.ts';
import { ensureTopic, type TopicSettings } from '../kafka/topics.ts';

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
/** How long start keeps trying to join the group before the server gives up. */
const START_TIMEOUT_MS = 60_000;
const START_RETRY_MS = 1_000;
const TOPIC_SETTINGS: TopicSettings = {
  // replicated where the cluster allows: losing a broker must not take the assignment's topic with it
  replicationFactor: async (admin) => Math.min(3, (await admin.describeCluster()).brokers.length),
  configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
};

export class KafkaRuleOwners {
  readonly #opts: KafkaRuleOwnersOptions;
  readonly #kafka: Kafka;
  #consumer: Consumer;
  readonly #now: () => number;

  constructor(opts: KafkaRuleOwnersOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#kafka = kafkaClient({ clientId: 'northstar-alert-owners', brokers: opts.brokers, log: opts.log });
    this.#consumer = this.#newConsumer();
  }

  /** A consumer of the group, wired to the ownership: one per start attempt (a failed start is not resumed). */
  #newConsumer(): Consumer {
    const opts = this.#opts;
    const consumer = this.#kafka.consumer({
      groupId: opts.groupId,
      sessionTimeout: opts.sessionTimeoutMs,
      // several heartbeats per lease, so one late heartbeat does not drop ownership
      heartbeatInterval: Math.max(500, Math.min(3_000, Math.floor(opts.sessionTimeoutMs / 6))),
      rebalanceTimeout: opts.sessionTimeoutMs,
      maxWaitTimeInMs: 250,
    });
    const { ownership, log } = opts;
    const { GROUP_JOIN, HEARTBEAT, REBALANCING, CRASH, STOP, DISCONNECT } = consumer.events;
    consumer.on(GROUP_JOIN, ({ payload }) => {
      const partitions = payload.memberAssignment[opts.topic] ?? [];
      ownership.assign(partitions, this.#now());
      log.info({ partitions: ownership.assigned, member: payload.memberId }, 'alert rules assigned');
    });
    consumer.on(HEARTBEAT, () => ownership.heartbeat(this.#now()));
    for (const event of [REBALANCING, CRASH, STOP, DISCONNECT]) {
      consumer.on(event, () => {
        if (ownership.assigned.length > 0) log.info({ event }, 'alert rules revoked');
        ownership.revokeAll();
      });
    }
    return consumer;
  }

  async start(): Promise<void> {
    const admin = this.#kafka.admin();
    await admin.connect();
    try {
      await ensureTopic(admin, this.#opts.topic, this.#opts.partitions, TOPIC_SETTINGS);
    } finally {
      await admin.disconnect();
    }
    // kafkajs's run gives up on its first join after its own retries: start again with a fresh member
    await startWithRetry(() => this.#run(), {
      what: 'alert-owners group',
      log: this.#opts.log,
      timeoutMs: START_TIMEOUT_MS,
      retryMs: START_RETRY_MS,
      now: this.#now,
      reset: async () => {
        this.#opts.ownership.revokeAll();
        await this.#consumer.disconnect().catch(() => undefined);
        this.#consumer = this.#newConsumer();
      },
    });
  }

  async #run(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#opts.topic, fromBeginning: false });
    // nothing to read: the assignment is the point; offsets are never committed
    await this.#consumer.run({ autoCommit: false, eachBatch: async ({ heartbeat }) => heartbeat() });
  }

  /** Leaves the group: the others take this member's rules at the next rebalance, without waiting for a session timeout. */
  async stop(): Promise<void> {
    this.#opts.ownership.revokeAll();
    await this.#consumer.disconnect();
  }
}
