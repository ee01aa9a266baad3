import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { HostPolicy } from '../auth/host-check.ts';
import { TokenBuckets } from '../auth/rate-limit.ts';
import { apiBodyBound } from './body-bound.ts';
import { expectError } from './routes.fixture.ts';
import { authGuard, changeMeta } from './write-guard.ts';

/** The guard with auth off (NORTHSTAR_AUTH=off) in front of one route that says who wrote and why. */
function guarded() {
  return new Hono()
    .use(
      authGuard({
        auth: null,
        allowedOrigins: new Set(['https://wall.example']),
        hosts: new HostPolicy({ bindHost: '127.0.0.1', allowedHosts: [], allowedOrigins: ['https://wall.example'] }),
        ingestLimiter: new TokenBuckets({ perSecond: 1, burst: 1 }),
      }),
    )
    .use('/api/*', apiBodyBound(64))
    .post('/api/v1/things', (c) => c.json(changeMeta(c)));
}

const post = (headers: Record<string, string>, body = '{}') =>
  guarded().request('http://127.0.0.1:8080/api/v1/things', { method: 'POST', headers: { host: '127.0.0.1:8080', ...headers }, body });

describe('the write guard with auth off', () => {
  it('lets a write from its own or an allowed origin through, recording the author and reason', async () => {
    const res = await post({ origin: 'https://wall.example', 'x-northstar-user': 'ana', 'x-northstar-reason': ' new target ' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ author: 'ana', reason: 'new target' });
    expect((await post({ origin: 'http://127.0.0.1:8080' })).status).toBe(200);
  });

  it('refuses a write from a foreign page with 403 bad_origin', async () => {
    const error = await expectError(await post({ origin: 'https://evil.example' }), 403, 'bad_origin');
    expect(error.message).toMatch(/NORTHSTAR_ALLOWED_ORIGINS/);
  });

  it('refuses a name it does not serve (DNS rebinding), naming the host', async () => {
    const error = await expectError(await post({ host: 'attacker.example:8080' }), 403, 'bad_host');
    expect(error.message).toBe('Host "attacker.example:8080" is not served here; add the name to NORTHSTAR_ALLOWED_HOSTS');
  });

  it('stops a body over the API bound with 413 before reading it whole', async () => {
    await expectError(await post({}, JSON.stringify({ pad: 'x'.repeat(100) })), 413, 'body_too_large');
  });
});
