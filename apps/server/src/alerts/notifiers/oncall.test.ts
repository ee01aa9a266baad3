import { describe, expect, it } from 'vitest';
import { incidentKey, redact, sendEach } from './per-alert.ts';
import { escapeTeams } from './teams.ts';
import type { NotificationBatch } from '../notification.ts';

describe('on-call helpers', () => {
  it('keys an incident by the alert, hashed when longer than the service allows', () => {
    expect(incidentKey({ key: 'r/k/total' }, 255)).toBe('northstar/r/k/total');
    const long = incidentKey({ key: 'x'.repeat(600) }, 255);
    expect(long).toMatch(/^northstar\/[0-9a-f]{64}$/);
    expect(incidentKey({ key: 'x'.repeat(600) }, 255)).toBe(long);
  });
  it('redacts every secret from an error', () => {
    expect(redact({ ok: false, attempts: 1, error: 'bad key abcdef12 and abcdef12' }, ['abcdef12']).error).toBe(
      'bad key [redacted] and [redacted]',
    );
  });
  it('sends every entry and reports the first failure', async () => {
    const batch = { entries: [{}, {}, {}] } as unknown as NotificationBatch;
    let n = 0;
    const r = await sendEach(batch, () => {
      n += 1;
      return Promise.resolve(n === 2 ? { ok: false, attempts: 2, status: 500, error: 'second' } : { ok: true, attempts: 1, status: 202 });
    });
    expect(n).toBe(3);
    expect(r).toEqual({ ok: false, attempts: 4, status: 500, error: 'second' });
  });
  it('shows markdown in names as typed on a Teams card', () => {
    expect(escapeTeams('**a** [x](http://e) _b_')).toBe('\\*\\*a\\*\\* \\[x\\]\\(http://e\\) \\_b\\_');
  });
});
