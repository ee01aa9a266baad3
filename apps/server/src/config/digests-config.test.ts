import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { parseKpiConfig } from './kpi-file.ts';

/** The `notifications.digests` section as the config file states it: errors name the line and the field. */
const config = (digests: string) => `objectives:
  - { id: grow, name: Grow }
notifications:
  channels:
    - { id: mail, type: email, smtpUrl: "smtp://127.0.0.1:2525", from: n@example.com, to: [ops@example.com] }
    - { id: team, type: slack, url: "http://127.0.0.1:9/hook" }
  digests:
${digests}`;

function errorOf(text: string): string {
  try {
    parseKpiConfig(text, 'northstar.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('notifications.digests', () => {
  it('reads people, channels and the defaults', () => {
    const m = parseKpiConfig(
      config('    email: mail\n    baseUrl: https://ns.example.com\n    people: [{ name: dana, email: dana@example.com, slack: team }]'),
      'x.yaml',
    );
    expect(m.notifications.digests).toEqual({
      email: 'mail',
      baseUrl: 'https://ns.example.com',
      timezone: 'UTC',
      checkEvery: '15m',
      publicCharts: false,
      people: [{ name: 'dana', email: 'dana@example.com', slack: 'team' }],
    });
  });

  it('names a missing or mistyped channel, a bad address, zone, interval and URL by line and field', () => {
    expect(errorOf(config('    email: team\n    baseUrl: https://ns.example.com'))).toBe(
      'northstar.yaml:8: notifications.digests.email: no email channel "team"',
    );
    expect(errorOf(config('    baseUrl: https://ns.example.com\n    people:\n      - { name: a, slack: nope }'))).toBe(
      'northstar.yaml:10: notifications.digests.people[0].slack: no slack channel "nope"',
    );
    expect(errorOf(config('    baseUrl: https://ns.example.com\n    people: [{ name: a, email: not-an-address }]'))).toMatch(
      /^northstar\.yaml:9: notifications\.digests\.people\[0\]\.email: /,
    );
    expect(errorOf(config('    baseUrl: https://ns.example.com\n    timezone: Mars/Olympus'))).toBe(
      'northstar.yaml:9: notifications.digests.timezone: must be an IANA time zone like "Europe/Berlin"',
    );
    expect(errorOf(config('    baseUrl: https://ns.example.com\n    checkEvery: 100ms'))).toBe(
      'northstar.yaml:9: notifications.digests.checkEvery: must be a duration from "1s" to "24h", like "15m"',
    );
    expect(errorOf(config('    baseUrl: ftp://ns.example.com'))).toBe(
      'northstar.yaml:8: notifications.digests.baseUrl: must be an http(s) URL',
    );
  });
});
