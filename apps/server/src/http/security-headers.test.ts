import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers.ts';

async function headersFor(embedOrigins: readonly string[]) {
  const app = new Hono().use(securityHeaders(embedOrigins)).get('/', (c) => c.text('ok'));
  return (await app.request('/')).headers;
}

describe('securityHeaders', () => {
  it("refuses every frame by default: frame-ancestors 'none' and X-Frame-Options", async () => {
    const h = await headersFor([]);
    expect(h.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(h.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('lets exactly the allowed origins frame it, and changes nothing else', async () => {
    const closed = await headersFor([]);
    const open = await headersFor(['https://intranet.example', 'http://127.0.0.1:4000']);
    const csp = open.get('content-security-policy') ?? '';
    expect(csp).toContain('frame-ancestors https://intranet.example http://127.0.0.1:4000');
    expect(csp).not.toContain("'none'");
    expect(open.get('x-frame-options')).toBeNull();
    // every other directive and header is what it is without embedding
    const rest = (v: string | null) => (v ?? '').replace(/frame-ancestors [^;]*/, '');
    expect(rest(csp)).toBe(rest(closed.get('content-security-policy')));
    const others = (h: Headers) => [...h.entries()].filter(([k]) => k !== 'content-security-policy' && k !== 'x-frame-options');
    expect(others(open)).toEqual(others(closed));
  });
});
