import type { Alert, AlertRule, BacktestResponse, SilenceInput, Silence } from '@northstar/shared';
import { api } from './client.ts';

/** Alerts, silences, rules and detector checks under /api/v1 (see apps/server/src/http/alert-routes.ts). */

export const ALERTS_PATH = '/api/v1/alerts';

export function acknowledgeAlert(key: string, comment: string): Promise<Alert> {
  return api<Alert>(`${ALERTS_PATH}/ack`, { method: 'POST', body: { key, comment } });
}

export function alertFeedback(key: string, verdict: { real: boolean; note: string; expected: boolean }): Promise<Alert> {
  return api<Alert>(`${ALERTS_PATH}/feedback`, { method: 'POST', body: { key, ...verdict } });
}

export function createSilence(input: SilenceInput): Promise<Silence> {
  return api<Silence>('/api/v1/silences', { method: 'POST', body: input });
}

export type VersionedRule = AlertRule & { version: number };

export function listRules(): Promise<VersionedRule[]> {
  return api<VersionedRule[]>('/api/v1/rules');
}

export interface PrecisionRow {
  detector: string;
  kpi: string;
  real: number;
  notReal: number;
  precision: number;
}

export function detectorPrecision(): Promise<PrecisionRow[]> {
  return api<PrecisionRow[]>('/api/v1/detect/precision');
}

/** The detectors replayed over [from, to], rounded outwards to whole milliseconds so the range is covered. */
export function backtest(kpi: string, fromMs: number, toMs: number, signal?: AbortSignal): Promise<BacktestResponse> {
  return api<BacktestResponse>('/api/v1/detect/backtest', {
    method: 'POST',
    body: { kpi, from: Math.floor(fromMs), to: Math.ceil(toMs) },
    signal,
  });
}
