import { describe, expect, it } from 'vitest';
import { decideSend } from './send-record.ts';

describe('decideSend', () => {
  it('nothing recorded: a new send', () => {
    expect(decideSend([])).toEqual({ kind: 'new' });
  });

  it('accepted by the channel: sent, whatever intents were recorded around it', () => {
    expect(
      decideSend([
        { state: 'sending', at: 1 },
        { state: 'sent', at: 2 },
      ]),
    ).toEqual({ kind: 'sent' });
    expect(
      decideSend([
        { state: 'sent', at: 1 },
        { state: 'sending', at: 5 },
      ]),
    ).toEqual({ kind: 'sent' });
  });

  it('an intent without an outcome: uncertain, since the earliest unanswered intent', () => {
    expect(decideSend([{ state: 'sending', at: 1_000 }])).toEqual({ kind: 'uncertain', sinceMs: 1_000 });
    expect(
      decideSend([
        { state: 'sending', at: 3_000 },
        { state: 'sending', at: 2_000 },
        { state: 'sending', at: 1_000 },
        { state: 'refused', at: 1_000 },
      ]),
    ).toEqual({ kind: 'uncertain', sinceMs: 2_000 });
  });

  it('every try refused by the channel (a refusal names its intent): nothing was shown, a new send', () => {
    expect(
      decideSend([
        { state: 'sending', at: 1_000 },
        { state: 'refused', at: 1_000 },
      ]),
    ).toEqual({ kind: 'new' });
    expect(
      decideSend([
        { state: 'refused', at: 1_000 },
        { state: 'sending', at: 1_000 },
        { state: 'sending', at: 1_001 },
        { state: 'refused', at: 1_001 },
      ]),
    ).toEqual({ kind: 'new' });
  });
});
