import type { SilenceInput } from '@northstar/shared';
import { call, client } from './client.ts';

/** Alerts, silences, rules and detector checks under /api/v1 (see apps/server/src/http/alert-routes.ts). */

export function acknowledgeAlert(key: string, comment: string) {
  return call(client.api.v1.alerts.ack.$post({ json: { key, comment } }));
}

export function alertFeedback(key: string, verdict: { real: boolean; note: string; expected: boolean }) {
  return call(client.api.v1.alerts.feedback.$post({ json: { key, ...verdict } }));
}

export function createSilence(input: SilenceInput) {
  return call(client.api.v1.silences.$post({ json: input }));
}

export type VersionedRule = Awaited<ReturnType<typeof listRules>>[number];

export function listRules() {
  return call(client.api.v1.rules.$get());
}

export type PrecisionRow = Awaited<ReturnType<typeof detectorPrecision>>[number];

export function detectorPrecision() {
  return call(client.api.v1.detect.precision.$get());
}

/** The detectors replayed over [from, to], rounded outwards to whole milliseconds so the range is covered. */
export function backtest(kpi: string, fromMs: number, toMs: number, signal?: AbortSignal) {
  return call(client.api.v1.detect.backtest.$post({ json: { kpi, from: Math.floor(fromMs), to: Math.ceil(toMs) } }, { init: { signal } }));
}
