import type { Logger } from 'pino';
import { every } from '../schedule/every.ts';
import type { DigestService } from './digest-service.ts';

/**
 * Runs the digest service's scheduled send every `intervalMs`: one run at a time (a slow
 * SMTP server does not stack runs up), and a run that fails is logged and tried at the next.
 */
export function startDigestSchedule(service: Pick<DigestService, 'tick'>, intervalMs: number, log: Logger, now: () => number = Date.now) {
  let running: Promise<unknown> | undefined;
  const run = async () => {
    if (running) return;
    running = service
      .tick(now())
      .then((r) => {
        if (r.sent > 0 || r.failed > 0) log.info(r, 'review digests sent');
      })
      .finally(() => (running = undefined));
    await running;
  };
  const timer = every(intervalMs, run, (err) => log.warn({ err: err.message }, 'the review digest run failed; trying again next time'));
  return {
    /** A run now (the first one after start, and tests). */
    runNow: run,
    async stop() {
      timer.stop();
      await running?.catch(() => undefined);
    },
  };
}
