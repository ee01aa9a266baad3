import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { createHash } from 'node:crypto';
import {
  AlignmentSettingsSchema,
  FORBIDDEN_KEY,
  NorthstarConfigSchema,
  forbiddenKeyProblem,
  kpiLinks,
  type AlignmentSettings,
  type NorthstarConfig,
} from '@northstar/shared';
import { NotificationsConfigSchema, type NotificationsConfig } from '../alerts/config.ts';
import { ConfigError } from './errors.ts';

/** A validated model document and where it came from. */
export interface KpiModel {
  config: NorthstarConfig;
  /** The file as named to the user, e.g. "northstar.yaml". */
  source: string;
  /** Of the file's text: the server re-imports the file only when this changes. */
  sha256: string;
  /** Where alert notifications go; operational settings, not part of the versioned model. */
  notifications: NotificationsConfig;
  /** The KPI budget per level (`alignment.kpiBudget`), each level 7 unless set. */
  alignment: AlignmentSettings;
}

/** Config files are small; a bigger one is a mistake (or an attack), not a model. */
const MAX_CONFIG_BYTES = 2 * 1024 * 1024;

/** Finds the YAML node at a zod issue path so the error can name a line. */
function nodeAt(root: unknown, pathParts: ReadonlyArray<PropertyKey>): Node | undefined {
  let node = root as Node | undefined;
  let found = node;
  for (const part of pathParts) {
    if (isMap(node)) node = node.get(String(part), true) as Node | undefined;
    else if (isSeq(node)) node = node.get(Number(part), true) as Node | undefined;
    else break;
    if (node === undefined) break;
    found = node;
  }
  return found;
}

function fieldName(parts: ReadonlyArray<PropertyKey>): string {
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** Parses and validates a config text; errors name file:line and the field. */
export function parseKpiConfig(text: string, fileLabel: string): KpiModel {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = lineCounter.linePos(yamlError.pos[0]);
    throw new ConfigError(`${fileLabel}:${pos.line}: ${yamlError.message.split('\n')[0]}`);
  }
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  const forbidden = forbiddenKeyProblem(raw);
  if (forbidden !== undefined) {
    const line = lineCounter.linePos(Math.max(0, text.indexOf(FORBIDDEN_KEY))).line;
    throw new ConfigError(`${fileLabel}:${line}: ${forbidden}`);
  }
  const {
    notifications: rawNotifications,
    alignment: rawAlignment,
    ...rawModel
  } = typeof raw === 'object' && !Array.isArray(raw) ? raw : { notifications: undefined, alignment: undefined };
  const report = (issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>, prefix: PropertyKey[]) =>
    new ConfigError(
      issues
        .slice(0, 10)
        .map((issue) => {
          const full = [...prefix, ...issue.path];
          const node = nodeAt(doc.contents, full);
          const line = node?.range ? lineCounter.linePos(node.range[0]).line : 1;
          return `${fileLabel}:${line}: ${full.length > 0 ? fieldName(full) : '(top level)'}: ${issue.message}`;
        })
        .join('\n'),
    );
  const parsed = NorthstarConfigSchema.safeParse(rawModel);
  if (!parsed.success) throw report(parsed.error.issues, []);
  const notifications = NotificationsConfigSchema.safeParse(rawNotifications ?? {});
  if (!notifications.success) throw report(notifications.error.issues, ['notifications']);
  const alignment = AlignmentSettingsSchema.safeParse(rawAlignment ?? {});
  if (!alignment.success) throw report(alignment.error.issues, ['alignment']);
  const config = parsed.data;
  checkReferences(config, doc.contents, lineCounter, fileLabel);
  return {
    config,
    source: fileLabel,
    sha256: createHash('sha256').update(text).digest('hex'),
    notifications: notifications.data,
    alignment: alignment.data,
  };
}

function checkReferences(config: NorthstarConfig, root: unknown, lines: LineCounter, file: string): void {
  const lineOf = (p: PropertyKey[]): number => {
    const node = nodeAt(root, p);
    return node?.range ? lines.linePos(node.range[0]).line : 1;
  };
  const objectiveIds = new Set<string>();
  config.objectives.forEach((o, i) => {
    if (objectiveIds.has(o.id))
      throw new ConfigError(`${file}:${lineOf(['objectives', i, 'id'])}: objectives[${i}].id: duplicate id "${o.id}"`);
    objectiveIds.add(o.id);
  });
  const kpiIds = new Set<string>();
  config.kpis.forEach((k, i) => {
    if (kpiIds.has(k.id)) throw new ConfigError(`${file}:${lineOf(['kpis', i, 'id'])}: kpis[${i}].id: duplicate id "${k.id}"`);
    kpiIds.add(k.id);
    kpiLinks(k).forEach((link, j) => {
      if (objectiveIds.has(link.id)) return;
      const where = k.objectives?.length ? ['kpis', i, 'objectives', j, 'id'] : ['kpis', i, 'objective'];
      throw new ConfigError(`${file}:${lineOf(where)}: ${fieldName(where)}: no objective with id "${link.id}"`);
    });
  });
  config.objectives.forEach((o, i) => {
    if (o.parent !== undefined && !objectiveIds.has(o.parent)) {
      throw new ConfigError(`${file}:${lineOf(['objectives', i, 'parent'])}: objectives[${i}].parent: no objective with id "${o.parent}"`);
    }
  });
  config.goals.forEach((g, i) => {
    if (!kpiIds.has(g.kpi)) throw new ConfigError(`${file}:${lineOf(['goals', i, 'kpi'])}: goals[${i}].kpi: no KPI with id "${g.kpi}"`);
  });
}

export function loadKpiConfig(filePath: string): KpiModel {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${filePath}: cannot read the KPI config (${code ?? String(err)})`);
  }
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) throw new ConfigError(`${filePath}: larger than ${MAX_CONFIG_BYTES} bytes`);
  return parseKpiConfig(text, path.relative(process.cwd(), filePath) || filePath);
}
