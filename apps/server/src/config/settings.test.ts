import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { loadSettings, loadStoreServerSettings } from './settings.ts';

describe('loadSettings', () => {
  it('binds loopback on 8080 with chdb under ./data by default', () => {
    const s = loadSettings({}, {});
    expect(s).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      demo: false,
      kafkaBrokers: [],
      clickhouseUrl: undefined,
      kafkaTopic: 'northstar.events',
      kafkaDlqTopic: 'northstar.events.dlq',
    });
    expect(s.dataDir).toBe(path.resolve('data'));
  });

  it('lets options win over the environment', () => {
    const s = loadSettings(
      { port: '9000', dataDir: '/tmp/x' },
      { PORT: '7000', NORTHSTAR_DATA_DIR: '/tmp/y', KAFKA_BROKERS: 'a:9092, b:9093' },
    );
    expect(s.port).toBe(9000);
    expect(s.dataDir).toBe('/tmp/x');
    expect(s.kafkaBrokers).toEqual(['a:9092', 'b:9093']);
  });

  it('names the option or variable that is wrong', () => {
    expect(() => loadSettings({ port: 'eighty' }, {})).toThrow(new ConfigError('option --port: "eighty" is not a port number (0-65535)'));
    expect(() => loadSettings({}, { PORT: '99999' })).toThrow(/environment variable PORT/);
    expect(() => loadSettings({}, { KAFKA_BROKERS: 'localhost' })).toThrow(/KAFKA_BROKERS: "localhost" is not host:port/);
    expect(() => loadSettings({}, { CLICKHOUSE_URL: 'not a url' })).toThrow(/CLICKHOUSE_URL/);
  });

  it('reads the shared store settings: credentials, the cluster (only with a server), and northstar store its own', () => {
    const s = loadSettings(
      {},
      { CLICKHOUSE_URL: 'http://127.0.0.1:8123', CLICKHOUSE_USER: 'u', CLICKHOUSE_PASSWORD: 'p', NORTHSTAR_CLICKHOUSE_CLUSTER: 'c1' },
    );
    expect([s.clickhouseUser, s.clickhousePassword, s.clickhouseCluster]).toEqual(['u', 'p', 'c1']);
    expect(() => loadSettings({}, { NORTHSTAR_CLICKHOUSE_CLUSTER: 'c1' })).toThrow(/NORTHSTAR_CLICKHOUSE_CLUSTER: needs CLICKHOUSE_URL/);
    expect(() => loadSettings({}, { CLICKHOUSE_URL: 'http://x:1', NORTHSTAR_CLICKHOUSE_CLUSTER: 'c1; DROP' })).toThrow(
      /NORTHSTAR_CLICKHOUSE_CLUSTER/,
    );
    const store = loadStoreServerSettings({ dataDir: '/tmp/s' }, { NORTHSTAR_STORE_PASSWORD: 'long-enough-pass' });
    expect(store).toMatchObject({ host: '127.0.0.1', port: 8123, dataDir: '/tmp/s', user: 'default', password: 'long-enough-pass' });
    expect(loadStoreServerSettings({}, {}).password).toBeUndefined();
    expect(() => loadStoreServerSettings({ password: 'short' }, {})).toThrow(/at least 12 characters/);
    expect(() => loadStoreServerSettings({ maxBodyBytes: '10' }, {})).toThrow(/max body bytes "10"/);
    expect(() => loadStoreServerSettings({ port: 'x' }, {})).toThrow(/option --port/);
    expect(loadStoreServerSettings({}, {}).maxConcurrentQueries).toBe(32);
    expect(loadStoreServerSettings({}, { NORTHSTAR_STORE_MAX_CONCURRENT_QUERIES: '4' }).maxConcurrentQueries).toBe(4);
    expect(() => loadStoreServerSettings({ maxConcurrentQueries: '0' }, {})).toThrow(/max concurrent queries "0"/);
  });

  it('reads the origins allowed to embed the wall (none by default), naming one that is not an origin', () => {
    expect(loadSettings({}, {}).embedOrigins).toEqual([]);
    expect(loadSettings({}, { NORTHSTAR_EMBED_ORIGINS: 'https://intranet.example/, http://127.0.0.1:4000' }).embedOrigins).toEqual([
      'https://intranet.example',
      'http://127.0.0.1:4000',
    ]);
    expect(() => loadSettings({}, { NORTHSTAR_EMBED_ORIGINS: 'intranet.example' })).toThrow(
      new ConfigError('environment variable NORTHSTAR_EMBED_ORIGINS: "intranet.example" is not an origin like https://wall.example.com'),
    );
  });

  it('reads the decode threads: unset for the default, 0 for none, anything else named as wrong', () => {
    expect(loadSettings({}, {}).decodeThreads).toBeUndefined();
    expect(loadSettings({}, { NORTHSTAR_DECODE_THREADS: '0' }).decodeThreads).toBe(0);
    expect(loadSettings({}, { NORTHSTAR_DECODE_THREADS: '3' }).decodeThreads).toBe(3);
    expect(() => loadSettings({}, { NORTHSTAR_DECODE_THREADS: 'many' })).toThrow(/NORTHSTAR_DECODE_THREADS/);
    expect(() => loadSettings({}, { NORTHSTAR_DECODE_THREADS: '-1' })).toThrow(/NORTHSTAR_DECODE_THREADS/);
  });

  it('reads the read-first hold: 200 ms by default, 0 for off, anything else named as wrong', () => {
    expect(loadSettings({}, {}).readFirstMaxHoldMs).toBe(0);
    expect(loadSettings({}, { STORE_READ_FIRST_MAX_HOLD_MS: '0' }).readFirstMaxHoldMs).toBe(0);
    expect(loadSettings({}, { STORE_READ_FIRST_MAX_HOLD_MS: '50' }).readFirstMaxHoldMs).toBe(50);
    expect(() => loadSettings({}, { STORE_READ_FIRST_MAX_HOLD_MS: 'soon' })).toThrow(/STORE_READ_FIRST_MAX_HOLD_MS/);
    expect(() => loadSettings({}, { STORE_READ_FIRST_MAX_HOLD_MS: '-1' })).toThrow(/STORE_READ_FIRST_MAX_HOLD_MS/);
  });

  it('reads the history cache bound: on by default with chdb, 0 for off, always off with CLICKHOUSE_URL', () => {
    expect(loadSettings({}, {}).historyCacheMaxBytes).toBe(16 * 1024 * 1024);
    expect(loadSettings({}, { HISTORY_CACHE_MAX_BYTES: '0' }).historyCacheMaxBytes).toBe(0);
    expect(loadSettings({}, { HISTORY_CACHE_MAX_ENTRIES: '10' }).historyCacheMaxEntries).toBe(10);
    expect(loadSettings({}, { CLICKHOUSE_URL: 'http://127.0.0.1:8123', HISTORY_CACHE_MAX_BYTES: '1000' }).historyCacheMaxBytes).toBe(0);
    expect(() => loadSettings({}, { HISTORY_CACHE_MAX_BYTES: 'lots' })).toThrow(/HISTORY_CACHE_MAX_BYTES/);
    expect(() => loadSettings({}, { HISTORY_CACHE_MAX_ENTRIES: '0' })).toThrow(/HISTORY_CACHE_MAX_ENTRIES/);
  });

  it('reads retention in days, 0 for forever, and keeps coarser rollups at least as long', () => {
    expect(loadSettings({}, {}).retention).toEqual({ rawDays: 120, minuteDays: 400, hourDays: 0, dayDays: 0 });
    expect(loadSettings({}, { RAW_RETENTION_DAYS: '30', ROLLUP_HOUR_RETENTION_DAYS: '800' }).retention).toMatchObject({
      rawDays: 30,
      hourDays: 800,
    });
    expect(() => loadSettings({}, { RAW_RETENTION_DAYS: '-1' })).toThrow(/RAW_RETENTION_DAYS/);
    expect(() => loadSettings({}, { ROLLUP_HOUR_RETENTION_DAYS: '100' })).toThrow(
      /ROLLUP_HOUR_RETENTION_DAYS: keeps less than ROLLUP_MINUTE_RETENTION_DAYS/,
    );
  });

  it('reads allowed host names and trusted proxies, and names a bad one', () => {
    const s = loadSettings(
      {},
      { NORTHSTAR_ALLOWED_HOSTS: 'Wall.Example.com, metrics.internal', NORTHSTAR_TRUSTED_PROXIES: '10.0.0.5, 10.1.0.0/16,::1' },
    );
    expect(s.allowedHosts).toEqual(['wall.example.com', 'metrics.internal']);
    expect(s.trustedProxies).toEqual(['10.0.0.5', '10.1.0.0/16', '::1']);
    expect(loadSettings({}, {}).trustedProxies).toEqual([]);
    expect(() => loadSettings({}, { NORTHSTAR_ALLOWED_HOSTS: 'https://wall.example.com' })).toThrow(
      'environment variable NORTHSTAR_ALLOWED_HOSTS: "https://wall.example.com" is not a host name like wall.example.com (no scheme, no port)',
    );
    expect(() => loadSettings({}, { NORTHSTAR_TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(
      /NORTHSTAR_TRUSTED_PROXIES: "10.0.0.0\/33" is not an IP address or CIDR range/,
    );
    expect(() => loadSettings({}, { NORTHSTAR_TRUSTED_PROXIES: 'proxy.internal' })).toThrow(ConfigError);
  });
});
