import { Kafka, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * A kafkajs client whose warnings go to the server's log. The retries ride out a leader
 * election or a broker restart (about a minute in all) before a call gives up.
 */
export function kafkaClient(opts: { clientId: string; brokers: string[]; log: Logger }): Kafka {
  const { log } = opts;
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => log.warn({ kafka: entry.namespace, ...entry.log }, entry.log.message),
    retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
  });
}
