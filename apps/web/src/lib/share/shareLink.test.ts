import { describe, expect, it } from 'vitest';
import { describeView, embedSnippet, shareFromHash, shareLink, shareStatus, subtree } from './shareLink.ts';

describe('share links in the address', () => {
  it('reads the token of #/share and nothing else, and writes the link back', () => {
    const token = `nss_0123456789ab_${'x'.repeat(43)}`;
    expect(shareFromHash(`#/share?token=${token}`)).toBe(token);
    expect(shareFromHash(`#/tv?token=${token}`)).toBe('');
    expect(shareFromHash('#/share')).toBe('');
    expect(shareFromHash(new URL(shareLink('http://127.0.0.1:8080', token)).hash)).toBe(token);
  });

  it('escapes the title of the embed snippet', () => {
    expect(embedSnippet('http://x/#/share?token=t', 'A "big" <board>')).toContain('title="A &#34;big&#34; &#60;board&#62;"');
  });

  it('says what a link shows and whether it still opens', () => {
    expect(describeView({ kind: 'kpi', kpi: 'orders', range: '7d' })).toBe('KPI orders, 7d');
    expect(shareStatus({ expiresAt: null, revokedAt: null }, 5)).toBe('active');
    expect(shareStatus({ expiresAt: 5, revokedAt: null }, 5)).toBe('expired');
    expect(shareStatus({ expiresAt: null, revokedAt: 1 }, 5)).toBe('revoked');
  });

  it('finds an objective subtree', () => {
    const objs = [{ id: 'a' }, { id: 'b', parent: 'a' }, { id: 'c', parent: 'b' }, { id: 'd' }];
    expect(subtree('b', objs)).toEqual(new Set(['b', 'c']));
  });
});
