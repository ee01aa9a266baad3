import type { Alert, KpiSeqs, LiveScope, ObjectiveState, ServerMessage } from '@northstar/shared';
import { mayReceive, visibleObjectives } from './access.ts';
import type { Client } from './client.ts';
import { buildDelta, encodeObjectives, wholeObjectives, wholeUpdate } from './frames.ts';
import type { LiveJournal, ResumePlan } from './journal.ts';
import type { Outgoing } from './outgoing.ts';
import { Subscription } from './subscription.ts';

export interface ResumeRequest {
  token: string;
  seqs: KpiSeqs;
  cursor: number | undefined;
  /** The scope it asks for now; undefined for a restricted connection, whose scope is fixed. */
  scope: LiveScope | undefined;
}

export interface ResumeDeps {
  /** This hub's instance id: sequence numbers of another instance mean nothing here. */
  instance: string;
  journal: LiveJournal;
  /** The scope a closed connection of this instance had, by its id. */
  recentScope: (clientId: number) => LiveScope | undefined;
  kpisUnder: (objectiveId: string) => readonly string[];
  /** Every objective's newest state: a replay carries them all (there are few). */
  objectives: () => readonly ObjectiveState[];
  send: (client: Client, frame: string | Buffer | Outgoing, type: ServerMessage['type']) => void;
  sendSnapshot: (client: Client) => void;
  /** Counts each resume by what it was answered with: `replay`, or `snapshot:<why>`. */
  outcome: (outcome: string) => void;
}

/**
 * A reconnecting client says what it holds (its token, its sequence numbers, its cursor):
 * it is replayed what it missed from the journal, or sent a snapshot when the journal
 * cannot tell it everything (another instance, a model change, a gap too large).
 */
export function resumeClient(deps: ResumeDeps, client: Client, req: ResumeRequest): void {
  clearTimeout(client.awaiting);
  client.awaiting = undefined;
  const dot = req.token.lastIndexOf('.');
  const sameInstance = req.token.slice(0, dot) === deps.instance;
  // the scope it asks for now, else the one its previous connection had
  const previous = sameInstance && !client.sub ? deps.recentScope(Number(req.token.slice(dot + 1))) : undefined;
  const wanted = req.scope ?? previous;
  if (wanted) {
    client.sub = new Subscription();
    client.sub.add(wanted);
    client.sub.resolve(deps.kpisUnder);
  }
  if (!sameInstance) {
    deps.outcome('snapshot:instance');
    return deps.sendSnapshot(client);
  }
  const sub = client.sub;
  const plan = deps.journal.plan(req.seqs, req.cursor, (id) => !sub || sub.includes(id));
  if (plan.kind === 'snapshot') {
    deps.outcome(`snapshot:${plan.reason}`);
    deps.sendSnapshot(client);
  } else replay(deps, client, plan);
  // a snapshot holds no milestones: those reached while it was away follow either answer
  for (const milestone of deps.journal.milestonesAfter(req.seqs, req.cursor)) {
    const message: ServerMessage = { type: 'milestone', serverTime: Date.now(), milestone };
    if (mayReceive(client.access, message)) deps.send(client, JSON.stringify(message), 'milestone');
  }
}

function replay(deps: ResumeDeps, client: Client, plan: Extract<ResumePlan, { kind: 'replay' }>): void {
  deps.outcome('replay');
  // whole: its copy may be older than any patch
  const objectives = wholeObjectives(deps.objectives());
  const objectivesJson = client.access ? visibleObjectives(objectives, client.access) : encodeObjectives(objectives);
  deps.send(client, buildDelta(plan.kpis.map(wholeUpdate), objectivesJson, { replay: true })!, 'delta');
  sendNewestAlerts(deps.send, client, plan.alerts);
}

/** The alert changes a client missed, oldest first: an alert's newest change is all it needs. */
export function sendNewestAlerts(
  send: (client: Client, frame: string, type: 'alert') => void,
  client: Client,
  alerts: readonly Alert[],
): void {
  const newestAlert = new Map<string, Alert>(alerts.map((a) => [a.key, a]));
  for (const alert of newestAlert.values()) {
    if (client.access && !client.access.kpis.has(alert.kpi)) continue;
    send(client, JSON.stringify({ type: 'alert', serverTime: Date.now(), alert } satisfies ServerMessage), 'alert');
  }
}
