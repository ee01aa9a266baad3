import { describe, expect, it } from 'vitest';
import { HostPolicy } from './host-check.ts';

describe('HostPolicy', () => {
  const policy = new HostPolicy({
    bindHost: '127.0.0.1',
    allowedHosts: ['wall.example.com'],
    allowedOrigins: ['https://proxy.example.org'],
  });

  it('allows IP literals, localhost, configured names and the allowed origins hosts, any port and case', () => {
    for (const host of [
      '127.0.0.1:8080',
      '10.2.3.4',
      '[::1]:8080',
      'localhost:5173',
      'tv.localhost',
      'WALL.example.com:443',
      'proxy.example.org',
      'wall.example.com.',
    ]) {
      expect(policy.allows(host), host).toBe(true);
    }
  });

  it('refuses any other name (a DNS-rebinding page), and malformed values', () => {
    for (const host of ['attacker.example:8080', 'wall.example.com.attacker.example', 'localhost.attacker.example', 'a b', 'x:y:z']) {
      expect(policy.allows(host), host).toBe(false);
    }
  });

  it('allows the name the server binds to, and every name with *', () => {
    expect(new HostPolicy({ bindHost: 'northstar.lan', allowedHosts: [], allowedOrigins: [] }).allows('northstar.lan:8080')).toBe(true);
    expect(new HostPolicy({ bindHost: '0.0.0.0', allowedHosts: ['*'], allowedOrigins: [] }).allows('anything.example')).toBe(true);
  });
});
