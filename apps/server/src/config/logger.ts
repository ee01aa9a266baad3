import pino, { type Logger } from 'pino';
import type { Settings } from './settings.ts';

/** Structured JSON logs on stderr, so stdout stays free for what a person asked for. */
export function createLogger(level: Settings['logLevel']): Logger {
  return pino({ level, base: { service: 'northstar' } }, pino.destination(2));
}
