import type { Alert, AlertRule, KpiDefinition } from '@northstar/shared';
import { isFiring, type AlertRuntimeState } from '../alerts/state-machine.ts';
import type { ModelService } from '../model/model-service.ts';
import type { AckRow, AlertRepo, FeedbackRow } from '../store/alert-repo.ts';

/** One alert as the store last recorded it: where an engine resumes it. */
export interface RestoredAlert {
  key: string;
  rule: AlertRule;
  kpi: KpiDefinition;
  runtime: AlertRuntimeState;
  episode: number;
  acknowledged: Alert['acknowledged'];
  feedback: Alert['feedback'];
}

export type RestoreRepo = Pick<AlertRepo, 'latestTransitions' | 'episodeStarts' | 'acks' | 'feedback'>;

/**
 * The alerts of the rules `include` accepts, rebuilt from the stored transitions, episodes,
 * acknowledgements and verdicts: after a restart, and when this instance takes a rule over
 * from another (issue 17.2), so what fired does not fire again and what was acknowledged
 * stays so. A firing alert keeps its episode's start (not its last state change), which is
 * what its firing notification's key was made of, so a firing re-queued by the new owner
 * carries the key the old owner sent, and the sent record skips it.
 */
export async function restoreAlerts(
  repo: RestoreRepo,
  model: Pick<ModelService, 'rules' | 'kpis'>,
  include: (ruleId: string) => boolean,
  known?: { acks: readonly AckRow[]; feedback: readonly FeedbackRow[] },
): Promise<RestoredAlert[]> {
  const [transitions, starts, ackRows, verdictRows] = await Promise.all([
    repo.latestTransitions(),
    repo.episodeStarts(),
    known ? known.acks : repo.acks(),
    known ? known.feedback : repo.feedback(),
  ]);
  const acks = new Map(ackRows.map((a) => [`${a.key}#${a.episode}`, a]));
  const verdicts = new Map(verdictRows.map((f) => [`${f.key}#${f.episode}`, f]));
  const rules = new Map(model.rules.map((r) => [r.id, r]));
  const kpis = new Map(model.kpis.map((k) => [k.id, k]));
  const out: RestoredAlert[] = [];
  for (const t of transitions) {
    const rule = rules.get(t.rule);
    const kpi = kpis.get(t.kpi);
    if (!rule || !kpi || !include(rule.id)) continue;
    const episodeKey = `${t.key}#${t.episode}`;
    // Alerting and Recovering are inside the episode that began at its first Alerting
    const firingSince = isFiring(t.to) ? (starts.get(episodeKey) ?? t.at) : null;
    const ack = acks.get(episodeKey);
    const verdict = verdicts.get(episodeKey);
    out.push({
      key: t.key,
      rule,
      kpi,
      episode: t.episode,
      runtime: {
        state: t.to,
        reason: t.reason,
        since: t.at,
        activeSince: t.to === 'normal' ? null : t.at,
        firingSince,
        clearedSince: t.to === 'recovering' ? t.at : null,
        value: t.value,
        threshold: t.threshold,
        evaluatedAt: t.at,
      },
      acknowledged: ack ? { by: ack.by, at: ack.at, comment: ack.comment } : null,
      feedback: verdict ? { real: verdict.real, note: verdict.note, by: verdict.by, at: verdict.at } : null,
    });
  }
  return out;
}
