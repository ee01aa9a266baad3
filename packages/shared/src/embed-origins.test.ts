import { describe, expect, it } from 'vitest';
import { EmbedOriginsSettingSchema, embedOriginProblem } from './embed-origins.ts';

describe('embed origins', () => {
  it('takes http(s) origins and the one-domain https wildcard, in canonical form, once each', () => {
    const parsed = EmbedOriginsSettingSchema.parse({
      origins: ['https://Intranet.Example.com/', 'http://127.0.0.1:4000', 'https://*.wiki.example.com', 'https://intranet.example.com:443'],
    });
    expect(parsed.origins).toEqual(['https://intranet.example.com', 'http://127.0.0.1:4000', 'https://*.wiki.example.com']);
  });

  it('refuses what would let any site frame the wall, or is not an origin, saying which and why', () => {
    expect(embedOriginProblem('*')).toMatch(/wildcard/);
    expect(embedOriginProblem('https://*')).toMatch(/wildcard/);
    expect(embedOriginProblem('https://*.com')).toMatch(/under one domain/);
    expect(embedOriginProblem('http://*.example.com')).toMatch(/wildcard/);
    expect(embedOriginProblem("'self'")).toMatch(/not an origin/);
    expect(embedOriginProblem('javascript:alert(1)')).toMatch(/https:\/\/ or http:\/\//);
    expect(embedOriginProblem('https://intranet.example.com/wiki')).toBe(
      'must be an origin only (scheme, host and port), like https://intranet.example.com',
    );
    expect(embedOriginProblem('https://user:pw@intranet.example.com')).toMatch(/user name or password/);
    const r = EmbedOriginsSettingSchema.safeParse({ origins: ['https://ok.example.com', 'ftp://files.example.com'] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['origins', 1]);
    expect(r.error?.issues[0]?.message).toBe('"ftp://files.example.com" must start with https:// or http://');
  });
});
