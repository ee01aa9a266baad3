import { describe, expect, it } from 'vitest';
import { refusal } from './ws-upgrade.ts';

describe('refusal', () => {
  it('answers a refused WebSocket handshake with its status, a text reason and its byte length', () => {
    const reason = 'origin not allowed: évil';
    const text = refusal(403, reason);
    expect(text.startsWith('HTTP/1.1 403 Forbidden\r\n')).toBe(true);
    expect(text).toContain(`Content-Length: ${Buffer.byteLength(reason)}\r\n`);
    expect(text.endsWith(`\r\n\r\n${reason}`)).toBe(true);
    expect(refusal(401, 'sign in').split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
  });
});
