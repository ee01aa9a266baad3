import { describe, expect, it } from 'vitest';
import { makeBatch } from '../batch.fixture.ts';
import { teamsMessage } from './teams.ts';

const texts = (m: ReturnType<typeof teamsMessage>) => m.attachments[0].content.body.map((b) => ('text' in b ? b.text : b.type));

describe('teams message', () => {
  it('ends with the short reference of its key, so two copies can be told from two messages', () => {
    const card = texts(teamsMessage(makeBatch()));
    expect(card[0]).toBe('\\[WARNING\\] Firing: Revenue');
    expect(card.at(-1)).toBe('ref 01234567');
    expect(card.join('\n')).not.toContain('Re-sent');
  });

  it('marks a re-send whose earlier try has no outcome, right under the title', () => {
    const m = teamsMessage(makeBatch(), { uncertainSinceMs: 1_000 });
    expect(m.attachments[0].content.body[1]).toEqual({
      type: 'TextBlock',
      text: 'Re-sent after a fail-over or a lost answer; it may repeat ref 01234567',
      wrap: true,
      color: 'Warning',
    });
    expect(texts(m).at(-1)).toBe('ref 01234567');
  });
});
