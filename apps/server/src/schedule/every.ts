/**
 * Runs `task` every `intervalMs` until stopped; the timer does not keep the process alive.
 * A task handles its own failures (the refreshers log and try again next time); one that
 * rejects anyway is reported to `onError` instead of becoming an unhandled rejection.
 */
export function every(intervalMs: number, task: () => Promise<unknown> | void, onError: (err: Error) => void): { stop(): void } {
  const timer = setInterval(() => {
    try {
      void Promise.resolve(task()).catch(onError);
    } catch (err) {
      onError(err as Error);
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
