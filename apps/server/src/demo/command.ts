import { parseDurationMs } from '@northstar/shared';
import { ConfigError } from '../config/errors.ts';
import { runProducer, type EventSink } from './producer.ts';
import { httpSink, kafkaSink } from './sinks.ts';
import { apiTokenFromEnv } from '../config/settings.ts';

export interface DemoCommandOptions {
  target?: string;
  kafka?: string;
  topic: string;
  seed: string;
  backfill: string;
  duration?: string;
}

function duration(option: string, text: string): number {
  if (text === '0' || text === '0s') return 0;
  const ms = parseDurationMs(text);
  if (ms === undefined) throw new ConfigError(`option --${option}: "${text}" is not a duration like 30s, 10m or 2h`);
  return ms;
}

/** `northstar demo`: the demo stream alone, to a server over HTTP or to Kafka. */
export async function runDemoCommand(opts: DemoCommandOptions): Promise<void> {
  const seed = Number(opts.seed);
  if (!Number.isInteger(seed)) throw new ConfigError(`option --seed: "${opts.seed}" is not an integer`);
  let sink: EventSink;
  let where: string;
  if (opts.kafka) {
    const brokers = opts.kafka.split(',').map((b) => b.trim());
    for (const b of brokers) if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(b)) throw new ConfigError(`option --kafka: "${b}" is not host:port`);
    sink = await kafkaSink(brokers, opts.topic);
    where = `kafka ${brokers.join(',')} topic ${opts.topic}`;
  } else {
    const target = opts.target ?? 'http://127.0.0.1:8080';
    if (!URL.canParse(target)) throw new ConfigError(`option --target: "${target}" is not a URL`);
    sink = httpSink(target, apiTokenFromEnv());
    where = target;
  }
  const backfillMs = duration('backfill', opts.backfill);
  const durationMs = opts.duration === undefined ? undefined : duration('duration', opts.duration);
  let total = 0;
  const producer = runProducer({
    sink,
    seed,
    backfillFromMs: Date.now() - backfillMs,
    tickMs: 500,
    durationMs,
    onError: (err) => process.stderr.write(`demo: ${err.message}\n`),
    onTick: (n) => (total += n),
  });
  process.stdout.write(`demo producer → ${where} (seed ${seed}); Ctrl-C to stop\n`);
  const report = setInterval(() => process.stdout.write(`demo: ${total} events sent\n`), 10_000);
  process.once('SIGINT', () => void producer.stop());
  process.once('SIGTERM', () => void producer.stop());
  await producer.done;
  clearInterval(report);
  process.stdout.write(`demo: stopped after ${total} events\n`);
}
