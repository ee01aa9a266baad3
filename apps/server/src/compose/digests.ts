import type { ClickHouseClient } from '@clickhouse/client';
import { parseDurationMs } from '@northstar/shared';
import type { Logger } from 'pino';
import type { NotificationsConfig } from '../alerts/config.ts';
import { DigestSender, type EmailChannel, type SlackChannel } from '../digest/delivery.ts';
import { DigestRepo } from '../digest/digest-repo.ts';
import { DigestService } from '../digest/digest-service.ts';
import { startDigestSchedule } from '../digest/scheduler.ts';
import { DigestSource } from '../digest/source.ts';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import type { WallService } from '../live/wall-service.ts';
import type { ModelService } from '../model/model-service.ts';
import type { AlertRepo } from '../store/alert-repo.ts';
import type { ModelRepo } from '../store/model-repo.ts';

export interface DigestParts {
  notifications: NotificationsConfig;
  model: ModelService;
  wall: WallService;
  evaluator: KpiEvaluator;
  clickhouse: ClickHouseClient;
  alertRepo: AlertRepo;
  repo: ModelRepo;
  log: Logger;
}

/** Review digests, when the config file has `notifications.digests`: the service and its schedule. */
export function startDigests(parts: DigestParts): { service: DigestService | null; stop(): Promise<void> } {
  const config = parts.notifications.digests;
  if (!config) return { service: null, stop: async () => undefined };
  const log = parts.log.child({ component: 'digests' });
  const channels = parts.notifications.channels;
  const email = channels.find((c): c is EmailChannel => c.type === 'email' && c.id === config.email);
  const slackChannels = new Map(channels.filter((c): c is SlackChannel => c.type === 'slack').map((c) => [c.id, c]));
  const sender = new DigestSender({ timezone: config.timezone, ...(email ? { email } : {}) });
  const source = new DigestSource({
    model: parts.model,
    wall: parts.wall,
    evaluator: parts.evaluator,
    clickhouse: parts.clickhouse,
    alertRepo: parts.alertRepo,
    repo: parts.repo,
    timezone: config.timezone,
    baseUrl: config.baseUrl,
  });
  const service = new DigestService({
    config,
    slackChannels,
    source,
    sender,
    repo: new DigestRepo(parts.clickhouse),
    model: parts.model,
    log,
  });
  const schedule = startDigestSchedule(service, parseDurationMs(config.checkEvery) ?? 900_000, log);
  return {
    service,
    stop: async () => {
      await schedule.stop();
      sender.close();
    },
  };
}
