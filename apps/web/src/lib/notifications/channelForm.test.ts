import { describe, expect, it } from 'vitest';
import { channelInput, formValues } from './channelForm.ts';

describe('the channel form', () => {
  it('leaves an empty secret out, so the server keeps the stored one, and splits the recipients', () => {
    expect(channelInput('email', ' ops-mail ', '', { smtpUrl: '', from: 'n@example.com', to: 'a@example.com, b@example.com,' })).toEqual({
      id: 'ops-mail',
      type: 'email',
      from: 'n@example.com',
      to: ['a@example.com', 'b@example.com'],
    });
  });

  it('fills plain fields from a channel and never a secret', () => {
    const values = formValues({
      id: 'pager',
      type: 'pagerduty',
      url: 'https://events.eu.pagerduty.com',
      secrets: { routingKey: 'set, ends …ABCD' },
      source: 'app',
    });
    expect(values).toEqual({ url: 'https://events.eu.pagerduty.com' });
  });

  it('a Slack channel in Web API mode: the conversation id and API URL filled in again, the bot token never', () => {
    const view = {
      id: 'ops',
      type: 'slack' as const,
      channelId: 'C0123456789',
      apiUrl: 'https://slack.example/api',
      secrets: { botToken: 'set, ends …wxyz' },
      source: 'app' as const,
    };
    expect(formValues(view)).toEqual({ channelId: 'C0123456789', apiUrl: 'https://slack.example/api' });
    expect(channelInput('slack', 'ops', '', { url: '', botToken: '', channelId: 'C0123456789', apiUrl: '' })).toEqual({
      id: 'ops',
      type: 'slack',
      channelId: 'C0123456789',
    });
  });
});
