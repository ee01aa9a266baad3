import type { MetricEvent } from '@northstar/shared';
import type { Logger } from 'pino';
import { AssignedOwnership, OWN_EVERYTHING, RULE_OWNER_PARTITIONS, type RuleOwnership } from '../alerts/ownership.ts';
import type { Settings } from '../config/settings.ts';
import type { Ingestor } from '../ingest/ingestor.ts';
import { KafkaIngest } from '../ingest/kafka-consumer.ts';
import { KafkaPartials } from '../ingest/kafka-partials.ts';
import { KafkaVerdicts } from '../ingest/kafka-verdicts.ts';
import type { Verdict } from '../ingest/verdicts.ts';
import type { PartialsCount } from '../ingest/partials-count.ts';
import type { Metrics } from '../observe/metrics.ts';
import { KafkaRuleOwners } from '../ownership/kafka-rule-owners.ts';

const KAFKA_PARTITIONS = 3;

/**
 * Who releases alert rules (issue 17.2): with Kafka, the rules of the partitions the group
 * `<group>.alert-owners` assigns this instance (none until it joins, see startKafka); alone or
 * HTTP-only, every rule. The lease is two thirds of the session timeout: a member cut off from
 * the coordinator stops releasing before the coordinator gives its partitions to another.
 */
export function ruleOwnershipFor(settings: Pick<Settings, 'kafkaBrokers' | 'kafkaSessionTimeoutMs'>, metrics: Metrics): RuleOwnership {
  if (settings.kafkaBrokers.length === 0) {
    metrics.alertOwnedPartitions.set(RULE_OWNER_PARTITIONS);
    return OWN_EVERYTHING;
  }
  const owned = new AssignedOwnership({ leaseMs: Math.floor((settings.kafkaSessionTimeoutMs * 2) / 3), partitions: RULE_OWNER_PARTITIONS });
  owned.onChange(() => metrics.alertOwnedPartitions.set(owned.assigned.length));
  return owned;
}

export interface RunningKafka {
  ingest: KafkaIngest;
  /** HTTP events with an id, through the events topic keyed by identity; resolves with their verdicts (kafka-verdicts.ts). */
  forwardIdentified: (events: readonly MetricEvent[]) => Promise<Verdict[]>;
  stop(): Promise<void>;
}

/**
 * The Kafka consumer, joined, when brokers are configured; undefined otherwise. With it
 * the partials topic (issue 17): read to its end first, so the windows have every
 * instance's recent partials before this one takes partitions.
 */
export async function startKafka(
  settings: Settings,
  ingestor: Ingestor,
  metrics: Metrics,
  log: Logger,
  partials: PartialsCount | undefined,
  ruleOwnership: RuleOwnership,
): Promise<RunningKafka | undefined> {
  if (settings.kafkaBrokers.length === 0) return undefined;
  const owners =
    ruleOwnership instanceof AssignedOwnership
      ? new KafkaRuleOwners({
          brokers: settings.kafkaBrokers,
          topic: `${settings.kafkaTopic}.alert-owners`,
          partitions: RULE_OWNER_PARTITIONS,
          groupId: `${settings.kafkaGroupId}.alert-owners`,
          sessionTimeoutMs: settings.kafkaSessionTimeoutMs,
          ownership: ruleOwnership,
          log: log.child({ component: 'alert-owners' }),
        })
      : undefined;
  await owners?.start();
  let bus: KafkaPartials | undefined;
  if (partials) {
    bus = new KafkaPartials({
      brokers: settings.kafkaBrokers,
      topic: settings.kafkaPartialsTopic,
      partitions: KAFKA_PARTITIONS,
      // its own group: every instance reads every partial
      groupId: `${settings.kafkaGroupId}.partials.${partials.localSource}`,
      count: partials,
      log: log.child({ component: 'kafka-partials' }),
    });
    await bus.start();
  }
  const partitionPartials =
    partials && bus
      ? {
          adopt: async (source: string) => {
            await bus.caughtUp();
            return partials.adopt(source);
          },
          announce: (source: string, lastOffset: string) => partials.announce(source, lastOffset),
          recover: (events: readonly MetricEvent[], range: { after: bigint; upTo: bigint }) => partials.recover(events, range),
          publish: (source: string, lastOffset: string) => partials.publishSource(source, lastOffset),
          release: (source: string) => partials.release(source),
        }
      : undefined;
  // read before the consumer runs: a batch stored from now on can answer the requests waiting on it
  const verdicts = new KafkaVerdicts({
    brokers: settings.kafkaBrokers,
    eventsTopic: settings.kafkaTopic,
    topic: settings.kafkaVerdictsTopic,
    partitions: KAFKA_PARTITIONS,
    groupId: settings.kafkaGroupId,
    timeoutMs: settings.ingestVerdictTimeoutMs,
    onTimeout: () => metrics.ingestVerdictTimeouts.inc(),
    log: log.child({ component: 'kafka-verdicts' }),
  });
  await verdicts.start();
  const kafka = new KafkaIngest({
    brokers: settings.kafkaBrokers,
    topic: settings.kafkaTopic,
    dlqTopic: settings.kafkaDlqTopic,
    groupId: settings.kafkaGroupId,
    sessionTimeoutMs: settings.kafkaSessionTimeoutMs,
    partitions: KAFKA_PARTITIONS,
    ingestor,
    metrics,
    log: log.child({ component: 'kafka' }),
    partials: partitionPartials,
    verdicts,
  });
  await kafka.start();
  log.info(
    { brokers: settings.kafkaBrokers, topic: settings.kafkaTopic, group: settings.kafkaGroupId, partials: settings.kafkaPartialsTopic },
    'kafka consumer started',
  );
  return {
    ingest: kafka,
    forwardIdentified: (events) => verdicts.forward(events),
    stop: async () => {
      // alert rules first: the other instances take them over while this one drains
      await owners?.stop();
      // the batch in hand sends its verdicts before the producer closes
      await kafka.stop();
      await verdicts.stop();
      // HTTP events counted since the last publish go out before the producer closes
      await partials?.flushLocal().catch((err: Error) => log.warn({ err: err.message }, 'could not publish the last partials'));
      await bus?.stop();
      partials?.close();
    },
  };
}
