import { Hono } from 'hono';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import {
  forbiddenKeyProblem,
  kpiLinks,
  type AlignmentGoal,
  type AlignmentKpi,
  type AlignmentObjective,
  type AlignmentResponse,
  type Goal,
  type KpiBudget,
  type KpiDefinition,
  type Objective,
} from '@northstar/shared';
import { lintModel, type LintFinding } from '../align/lint.ts';
import type { WallService } from '../live/wall-service.ts';
import { ModelError } from '../model/model-errors.ts';
import type { ModelService } from '../model/model-service.ts';
import type { ModelRepo } from '../store/model-repo.ts';
import { modelErrorResponse } from './model-routes.ts';
import { doc } from './route-doc.ts';
import { input } from './typed-input.ts';
import { changeMeta, mayChangeNotifications } from './write-guard.ts';

/** A whole model document; 5 000 KPIs of YAML fit well inside. */
const MAX_MODEL_BYTES = 4 * 1024 * 1024;

export interface AlignmentDeps {
  model: ModelService;
  loop: Pick<WallService, 'kpiState' | 'kpiHealth' | 'objectiveState'>;
  repo: Pick<ModelRepo, 'lastCheckins'>;
  /** The config file's `alignment.kpiBudget`: KPIs per objective, by level. */
  kpiBudget: KpiBudget;
}

function findingsFor(findings: readonly LintFinding[], kind: LintFinding['subject']['kind'], id: string): LintFinding[] {
  return findings.filter((f) => f.subject.kind === kind && f.subject.id === id);
}

/** The alignment tree with roll-ups and lint, the lint alone, and the model as YAML both ways. */
export function alignmentRoutes(deps: AlignmentDeps) {
  const { model } = deps;
  const lint = () => lintModel({ objectives: model.objectives, kpis: model.kpis, goals: model.goals }, { kpiBudget: deps.kpiBudget });

  return new Hono()
    .get(
      '/api/v1/lint',
      doc({ tag: 'alignment', summary: 'Alignment lint findings, each with a one-line fix', responses: { 200: '{findings}' } }),
      (c) => c.json({ findings: lint() }),
    )
    .get(
      '/api/v1/alignment',
      doc({
        tag: 'alignment',
        summary: 'The alignment tree with roll-ups, goals and lint',
        responses: { 200: '{objectives, unlinkedKpis, findings}' },
      }),
      async (c) => {
        const findings = lint();
        const last = await deps.repo.lastCheckins();
        const goalNode = (g: Goal): AlignmentGoal => ({
          ...g,
          progress: last.get(`goal:${g.id}`) ?? null,
          lint: findingsFor(findings, 'goal', g.id),
        });
        const kpiNode = (k: KpiDefinition, weight: number): AlignmentKpi => ({
          id: k.id,
          name: k.name,
          owner: k.owner,
          team: k.team,
          unit: k.unit,
          direction: k.direction,
          weight,
          state: deps.loop.kpiState(k.id) ?? null,
          health: deps.loop.kpiHealth(k.id) ?? null,
          lint: findingsFor(findings, 'kpi', k.id),
          goals: model.goals.filter((g) => g.kpi === k.id).map(goalNode),
        });
        const visiting = new Set<string>();
        const objectiveNode = (o: Objective): AlignmentObjective => {
          visiting.add(o.id);
          const node: AlignmentObjective = {
            ...o,
            state: deps.loop.objectiveState(o.id) ?? null,
            kpiBudget: deps.kpiBudget[o.level],
            lint: findingsFor(findings, 'objective', o.id),
            kpis: model.kpis.flatMap((k) =>
              kpiLinks(k)
                .filter((l) => l.id === o.id)
                .map((l) => kpiNode(k, l.weight)),
            ),
            children: model.objectives.filter((child) => child.parent === o.id && !visiting.has(child.id)).map(objectiveNode),
          };
          visiting.delete(o.id);
          return node;
        };
        const ids = new Set(model.objectives.map((o) => o.id));
        const roots = model.objectives.filter((o) => o.parent === undefined || !ids.has(o.parent));
        const tree: AlignmentResponse = {
          objectives: roots.map(objectiveNode),
          unlinkedKpis: model.kpis.filter((k) => kpiLinks(k).length === 0).map((k) => kpiNode(k, 0)),
          findings,
          kpiBudget: deps.kpiBudget,
        };
        return c.json(tree);
      },
    )
    .get(
      '/api/v1/model',
      doc({
        tag: 'model',
        summary: 'The whole model as YAML (or JSON with Accept: application/json)',
        responses: { 200: 'The model document' },
      }),
      (c) => {
        const doc = model.exportDocument();
        if ((c.req.header('accept') ?? '').includes('application/json')) return c.json(doc);
        return c.body(stringifyYaml(doc, { lineWidth: 0 }), 200, { 'content-type': 'application/yaml; charset=utf-8' });
      },
    )
    .put(
      '/api/v1/model',
      doc({
        tag: 'model',
        summary: 'Import a whole model (YAML or JSON); ?mode=replace (default) or merge',
        query: [{ name: 'mode', description: 'replace (default) or merge' }],
        body: 'Model',
        recordsChange: true,
        responses: { 200: '{created, updated, deleted, unchanged}', 400: 'Invalid input; details name each bad field' },
      }),
      input<{ query: { mode?: 'replace' | 'merge' } }>(),
      async (c) => {
        try {
          const mode = c.req.query('mode') ?? 'replace';
          if (mode !== 'replace' && mode !== 'merge') throw new ModelError(400, 'bad_query', 'mode: must be replace or merge');
          const text = await c.req.text();
          if (Buffer.byteLength(text) > MAX_MODEL_BYTES)
            throw new ModelError(400, 'too_large', `body is larger than ${MAX_MODEL_BYTES} bytes`);
          let doc: unknown;
          try {
            doc = (c.req.header('content-type') ?? '').includes('json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
          } catch (err) {
            throw new ModelError(400, 'bad_body', `body is not valid YAML or JSON (${(err as Error).message.split('\n')[0]})`);
          }
          // validation would drop such a key without a word, widening a filter to every event
          const forbidden = forbiddenKeyProblem(doc);
          if (forbidden !== undefined) throw new ModelError(400, 'bad_key', forbidden);
          // an editor imports the alignment model; its notification channels and routes are the admins' (auth/policy.ts)
          const summary = await model.importDocument(doc, changeMeta(c), mode, {
            notifications: mayChangeNotifications(c.get('principal')),
          });
          return c.json(summary);
        } catch (err) {
          return modelErrorResponse(c, err);
        }
      },
    );
}
