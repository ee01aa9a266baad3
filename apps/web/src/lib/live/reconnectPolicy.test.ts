import { describe, expect, it } from 'vitest';
import {
  OFFLINE_AFTER_FAILURES,
  RECONNECT_BASE_MS,
  RECONNECT_CAP_MS,
  reconnectDelayMs,
  resumeUrl,
  stateWhileRetrying,
} from './reconnectPolicy.ts';

describe('reconnectDelayMs', () => {
  const middle = () => 0.5;

  it('grows exponentially from the base', () => {
    expect([0, 1, 2, 3, 4].map((f) => reconnectDelayMs(f, middle))).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it('is capped', () => {
    expect(reconnectDelayMs(5, middle)).toBe(RECONNECT_CAP_MS);
    expect(reconnectDelayMs(1000, middle)).toBe(RECONNECT_CAP_MS);
  });

  it('stays within the bounds whatever the jitter', () => {
    for (const r of [0, 0.25, 0.999]) {
      for (let f = 0; f < 10; f++) {
        const d = reconnectDelayMs(f, () => r);
        expect(d).toBeGreaterThanOrEqual(RECONNECT_BASE_MS);
        expect(d).toBeLessThanOrEqual(RECONNECT_CAP_MS);
      }
    }
  });

  it('spreads attempts with jitter', () => {
    expect(reconnectDelayMs(2, () => 0)).toBe(1500);
    expect(reconnectDelayMs(2, () => 0.999)).toBe(2499);
  });
});

describe('stateWhileRetrying', () => {
  it('says reconnecting for the first failures, offline after that', () => {
    expect(stateWhileRetrying(0, true)).toBe('reconnecting');
    expect(stateWhileRetrying(OFFLINE_AFTER_FAILURES - 1, true)).toBe('reconnecting');
    expect(stateWhileRetrying(OFFLINE_AFTER_FAILURES, true)).toBe('offline');
  });

  it('says offline when the browser is offline', () => {
    expect(stateWhileRetrying(0, false)).toBe('offline');
  });
});

describe('resumeUrl', () => {
  it('asks the server to wait for a resume', () => {
    expect(resumeUrl('ws://h:1/ws')).toBe('ws://h:1/ws?resume=1');
    expect(resumeUrl('wss://h/ws?x=1')).toBe('wss://h/ws?x=1&resume=1');
  });
});
