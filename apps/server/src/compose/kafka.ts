import type { Logger } from 'pino';
import type { Settings } from '../config/settings.ts';
import type { Ingestor } from '../ingest/ingestor.ts';
import { KafkaIngest } from '../ingest/kafka-consumer.ts';
import type { Metrics } from '../observe/metrics.ts';

const KAFKA_PARTITIONS = 3;

/** The Kafka consumer, joined, when brokers are configured; undefined otherwise. */
export async function startKafka(settings: Settings, ingestor: Ingestor, metrics: Metrics, log: Logger): Promise<KafkaIngest | undefined> {
  if (settings.kafkaBrokers.length === 0) return undefined;
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
  });
  await kafka.start();
  log.info({ brokers: settings.kafkaBrokers, topic: settings.kafkaTopic, group: settings.kafkaGroupId }, 'kafka consumer started');
  return kafka;
}
