import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isRetriable, startWithRetry } from './start-retry.ts';

// kafkajs's own error classes, as its first join or an offsets request throws them on a topic whose
// leader is still being elected: the rule-owners group and the partials reader start again on these
// instead of stopping the server
const protocolError = (message: string, type: string, code: number, retriable: boolean) =>
  new KafkaJSProtocolError(Object.assign(new Error(message), { type, code, retriable }));
const notLeader = () => protocolError('This server is not the leader for that topic-partition', 'NOT_LEADER_FOR_PARTITION', 6, true);

describe('isRetriable', () => {
  it('tries again on a leader being elected, directly or after kafkajs ran out of its own retries', () => {
    expect(isRetriable(notLeader())).toBe(true);
    expect(isRetriable(new KafkaJSNumberOfRetriesExceeded(notLeader(), { retryCount: 8, retryTime: 10_000 }))).toBe(true);
  });

  it('gives up on what another attempt cannot change', () => {
    const auth = protocolError('Not authorized to access group', 'GROUP_AUTHORIZATION_FAILED', 30, false);
    expect(isRetriable(auth)).toBe(false);
    expect(isRetriable(new KafkaJSNonRetriableError(auth))).toBe(false);
    expect(isRetriable(new Error('boom'))).toBe(false);
    expect(isRetriable('a string')).toBe(false);
  });
});

describe('startWithRetry', () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
  };
  const quiet = { warn: () => undefined };

  it('starts again after a leader election, resetting in between, until the step succeeds', async () => {
    const c = clock();
    let attempts = 0;
    let resets = 0;
    await startWithRetry(
      async () => {
        if (++attempts < 3) throw new KafkaJSNumberOfRetriesExceeded(notLeader(), { retryCount: 5, retryTime: 1_000 });
      },
      { what: 'test', log: quiet, timeoutMs: 60_000, retryMs: 1_000, reset: async () => void resets++, ...c },
    );
    expect(attempts).toBe(3);
    expect(resets).toBe(2);
  });

  it('throws at once what another attempt cannot change, after resetting', async () => {
    const c = clock();
    let attempts = 0;
    let resets = 0;
    const denied = protocolError('Not authorized to access topics', 'TOPIC_AUTHORIZATION_FAILED', 29, false);
    await expect(
      startWithRetry(
        async () => {
          attempts++;
          throw denied;
        },
        { what: 'test', log: quiet, timeoutMs: 60_000, retryMs: 1_000, reset: async () => void resets++, ...c },
      ),
    ).rejects.toBe(denied);
    expect([attempts, resets]).toEqual([1, 1]);
  });

  it('gives up with the last error once the time is over', async () => {
    const c = clock();
    let attempts = 0;
    await expect(
      startWithRetry(
        async () => {
          attempts++;
          throw notLeader();
        },
        { what: 'test', log: quiet, timeoutMs: 10_000, retryMs: 1_000, reset: async () => undefined, ...c },
      ),
    ).rejects.toThrow('not the leader');
    expect(attempts).toBe(11);
  });
});
