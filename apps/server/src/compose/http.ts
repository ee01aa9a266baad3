import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { ClientAddress } from '../auth/client-address.ts';
import { HostPolicy } from '../auth/host-check.ts';
import { LoginThrottle } from '../auth/login-throttle.ts';
import { TokenBuckets } from '../auth/rate-limit.ts';
import type { Settings } from '../config/settings.ts';
import { createApp, type AppDeps } from '../http/app.ts';
import { SESSION_COOKIE } from '../http/write-guard.ts';
import type { ModelService } from '../model/model-service.ts';
import { boardAccess } from './board-access.ts';
import { shareAccess } from './share-access.ts';
import { answerUpgrades, type UpgradeTarget } from './ws-upgrade.ts';

/** What the HTTP side takes from the parts built before it; the rest (limits, hosts, origins) it builds from the settings. */
export type HttpParts = Omit<
  AppDeps,
  | 'bodyLimitBytes'
  | 'webDir'
  | 'allowedOrigins'
  | 'hosts'
  | 'ingestLimiter'
  | 'loginLimiter'
  | 'clientAddress'
  | 'sessionHours'
  | 'oidc'
  | 'embedOrigins'
> & { model: ModelService; hub: UpgradeTarget };

/** The HTTP server and its WebSocket upgrades, listening; the write guard and the handshake check the same origins. */
export async function startHttp(settings: Settings, parts: HttpParts) {
  const allowedOrigins = new Set(settings.allowedOrigins);
  const hosts = new HostPolicy({ bindHost: settings.host, allowedHosts: settings.allowedHosts, allowedOrigins });
  const app = createApp({
    ...parts,
    bodyLimitBytes: settings.httpBodyLimitBytes,
    webDir: settings.webDir,
    allowedOrigins,
    hosts,
    ingestLimiter: new TokenBuckets({ perSecond: settings.ingestRequestsPerSecond, burst: settings.ingestRequestsPerSecond * 2 }),
    loginLimiter: new LoginThrottle({ freePerMinute: settings.loginAttemptsPerMinute }),
    clientAddress: new ClientAddress(settings.trustedProxies),
    sessionHours: settings.sessionHours,
    oidc: settings.oidc,
    embedOrigins: settings.embedOrigins,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host }, () => resolve(s as Server)) as Server;
    s.once('error', reject);
  });
  const handshake = {
    auth: parts.auth,
    allowedOrigins,
    hosts,
    sessionCookie: SESSION_COOKIE,
    boardAccess: boardAccess(parts.model),
    shareAccess: shareAccess(parts.model),
  };
  answerUpgrades(server, { handshake, hub: parts.hub, log: parts.log });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`;
  return { server, port, url };
}
