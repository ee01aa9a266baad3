import { describe, expect, it } from 'vitest';
import { NotificationsConfigSchema, resolveRoutes } from './config.ts';

const channels = [
  { id: 'ops', type: 'webhook', url: 'https://hooks.example.com/northstar', secret: '0123456789abcdef0123' },
  { id: 'team-chat', type: 'slack', url: 'https://hooks.slack.example/services/T/B/X' },
  { id: 'leads', type: 'email', smtpUrl: 'smtp://user:pass@mail.example.com:587', from: 'alerts@example.com', to: ['lead@example.com'] },
];

describe('notifications config', () => {
  it('parses channels and routes with defaults, and resolves durations to ms', () => {
    const cfg = NotificationsConfigSchema.parse({
      channels,
      routes: [
        { match: { severity: ['critical'] }, channels: ['ops', 'leads'], repeatInterval: '1h' },
        { channels: ['team-chat'], groupBy: ['objective'], groupWait: '2m', quietHours: { start: '22:00', end: '07:00' } },
      ],
    });
    expect(resolveRoutes(cfg)).toEqual([
      {
        match: { severity: ['critical'] },
        channels: ['ops', 'leads'],
        groupBy: ['rule'],
        groupWaitMs: 30_000,
        repeatIntervalMs: 3_600_000,
      },
      {
        match: {},
        channels: ['team-chat'],
        groupBy: ['objective'],
        groupWaitMs: 120_000,
        repeatIntervalMs: 14_400_000,
        quietHours: { start: '22:00', end: '07:00' },
      },
    ]);
  });
  it.each([
    ['a route to an unknown channel', { channels, routes: [{ channels: ['nope'] }] }, 'no channel "nope"'],
    ['a duplicate channel id', { channels: [channels[0], channels[0]] }, 'duplicate channel "ops"'],
    ['a short webhook secret', { channels: [{ ...channels[0], secret: 'short' }] }, 'at least 16'],
    ['a non-http webhook url', { channels: [{ ...channels[0], url: 'file:///etc/passwd' }] }, 'http(s) URL'],
    ['an smtp url that is not one', { channels: [{ ...channels[2], smtpUrl: 'http://mail' }] }, 'SMTP URL'],
    ['a bad duration', { channels, routes: [{ channels: ['ops'], groupWait: 'soon' }] }, 'duration'],
    ['bad quiet hours', { channels, routes: [{ channels: ['ops'], quietHours: { start: '22', end: '07:00' } }] }, 'time like'],
  ])('refuses %s', (_name, input, message) => {
    const r = NotificationsConfigSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message).join('\n')).toContain(message);
  });
});
