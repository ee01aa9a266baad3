import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isRetriable } from './kafka-rule-owners.ts';

// kafkajs's own error classes, as its first join throws them on a topic whose leader is still
// being elected: the rule-owners group starts again on these instead of stopping the server
const protocolError = (message: string, type: string, code: number, retriable: boolean) =>
  new KafkaJSProtocolError(Object.assign(new Error(message), { type, code, retriable }));
const notLeader = () => protocolError('This server is not the leader for that topic-partition', 'NOT_LEADER_FOR_PARTITION', 6, true);

describe('isRetriable (the rule-owners group start)', () => {
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
