import { describe, expect, it } from 'vitest';
import { LatestRequest } from './latestRequest.ts';

describe('LatestRequest', () => {
  it('aborts the older request when a newer one starts, and only the newest settles as current', () => {
    const request = new LatestRequest();
    const first = request.next();
    const second = request.next();
    expect(first.aborted).toBe(true);
    expect(second.aborted).toBe(false);
    expect(request.settled(first)).toBe(false);
    expect(request.settled(second)).toBe(true);
    // settled once: a second call for the same request is no longer the newest
    expect(request.settled(second)).toBe(false);
  });

  it('abort() stops the request in flight, which still settles as the newest', () => {
    const request = new LatestRequest();
    const signal = request.next();
    request.abort();
    expect(signal.aborted).toBe(true);
    expect(request.settled(signal)).toBe(true);
  });
});
