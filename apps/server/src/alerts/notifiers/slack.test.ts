import { describe, expect, it } from 'vitest';
import { makeBatch } from '../batch.fixture.ts';
import { makeAlert } from '../alerts.fixture.ts';
import { escapeSlack, SLACK_MAX_ALERTS, slackMessage } from './slack.ts';

describe('slack message', () => {
  it('has text and blocks with the KPI, value vs threshold, path, owners and severity', () => {
    const m = slackMessage(makeBatch());
    expect(m.text).toBe('[WARNING] Firing: Revenue: 80 vs threshold 100, Revenue (bob) › Grow online sales (alice) › Company (ceo)');
    expect(m.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*[WARNING] Firing: Revenue*' } });
    const body = m.blocks[1]?.text?.text ?? '';
    expect(body).toContain('*Revenue*: firing, 80 vs threshold 100 (warning)');
    expect(body).toContain('Objective path: Revenue (bob) › Grow online sales (alice) › Company (ceo)');
    expect(body).toContain('Owners: bob, alice, ceo');
  });
  it('escapes user text so a KPI name cannot ping or link', () => {
    expect(escapeSlack('<!channel> & <http://x|y>')).toBe('&lt;!channel&gt; &amp; &lt;http://x|y&gt;');
    const m = slackMessage(makeBatch({ kpiName: '<!channel> Revenue' }));
    expect(JSON.stringify(m)).not.toContain('<!channel>');
  });
  it(`shows at most ${SLACK_MAX_ALERTS} alerts and counts the rest`, () => {
    const batch = makeBatch();
    batch.entries = Array.from({ length: SLACK_MAX_ALERTS + 3 }, (_, i) => ({
      event: 'firing' as const,
      alert: makeAlert({ kpiName: `K${i}` }),
    }));
    const m = slackMessage(batch);
    expect(m.blocks).toHaveLength(1 + SLACK_MAX_ALERTS + 2);
    expect(m.blocks.at(-2)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'and 3 more' }] });
  });
  it('shows the short reference of its key last, and marks a re-send whose earlier try has no outcome', () => {
    const plain = slackMessage(makeBatch());
    expect(plain.blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'ref 01234567' }] });
    expect(JSON.stringify(plain)).not.toContain('Re-sent');
    const resent = slackMessage(makeBatch(), { uncertainSinceMs: 1_000 });
    expect(resent.blocks[1]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '_Re-sent after a fail-over or a lost answer; it may repeat ref 01234567_' }],
    });
    expect(resent.text).toMatch(/^\(re-sent, may repeat\) \[WARNING\] Firing: Revenue/);
    expect(resent.blocks.at(-1)).toEqual(plain.blocks.at(-1));
  });
});
