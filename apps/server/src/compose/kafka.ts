import type { MetricEvent } from '@northstar/shared';
import type { Logger } from 'pino';
import type { Settings } from '../config/settings.ts';
import type { Ingestor } from '../ingest/ingestor.ts';
import { KafkaIngest } from '../ingest/kafka-consumer.ts';
import { KafkaPartials } from '../ingest/kafka-partials.ts';
import type { PartialsCount } from '../ingest/partials-count.ts';
import type { Metrics } from '../observe/metrics.ts';

const KAFKA_PARTITIONS = 3;

export interface RunningKafka {
  ingest: KafkaIngest;
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
): Promise<RunningKafka | undefined> {
  if (settings.kafkaBrokers.length === 0) return undefined;
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
  });
  await kafka.start();
  log.info(
    { brokers: settings.kafkaBrokers, topic: settings.kafkaTopic, group: settings.kafkaGroupId, partials: settings.kafkaPartialsTopic },
    'kafka consumer started',
  );
  return {
    ingest: kafka,
    stop: async () => {
      await kafka.stop();
      // HTTP events counted since the last publish go out before the producer closes
      await partials?.flushLocal().catch((err: Error) => log.warn({ err: err.message }, 'could not publish the last partials'));
      await bus?.stop();
      partials?.close();
    },
  };
}
