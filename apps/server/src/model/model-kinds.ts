import {
  EmbedOriginsSettingSchema,
  type AlertRule,
  type AppRoute,
  type Board,
  type Goal,
  type KpiDefinition,
  type Objective,
  type StoredChannel,
} from '@northstar/shared';
import { z } from 'zod';
import type { EntityKind } from '../store/model-repo.ts';

/** What each kind of entity is; every typed accessor of the model service is keyed by it. */
export interface DefinitionByKind {
  objective: Objective;
  kpi: KpiDefinition;
  goal: Goal;
  rule: AlertRule;
  board: Board;
  /** Secrets sealed (channel-secrets.ts); never returned as stored. */
  channel: StoredChannel;
  route: AppRoute;
  setting: ModelSetting;
}

/** App settings kept in the model for their history (who changed what, when, why); one id per setting. */
export const EMBED_ORIGINS_SETTING = 'embed-origins';
export const ModelSettingSchema = EmbedOriginsSettingSchema.extend({ id: z.literal(EMBED_ORIGINS_SETTING) });
export type ModelSetting = z.infer<typeof ModelSettingSchema>;

export type DefinitionOf<K extends EntityKind> = DefinitionByKind[K];
export type Definition = DefinitionOf<EntityKind>;

/**
 * A stored change. Written as a mapped type so that `ModelChange` (all kinds) is a union
 * narrowed by `kind`, and `ModelChange<K>` stays correlated inside generic code.
 */
export type ModelChange<K extends EntityKind = EntityKind> = {
  [P in K]: {
    kind: P;
    id: string;
    /** null when deleted. */
    definition: DefinitionOf<P> | null;
  };
}[K];

/** One map per kind, each holding only that kind's definitions. */
export type ModelMaps = { [K in EntityKind]: Map<string, DefinitionOf<K>> };

/** A copy of `from`'s maps, or empty ones. */
export const emptyMaps = (from?: ModelMaps): ModelMaps => ({
  objective: new Map(from?.objective),
  kpi: new Map(from?.kpi),
  goal: new Map(from?.goal),
  rule: new Map(from?.rule),
  board: new Map(from?.board),
  channel: new Map(from?.channel),
  route: new Map(from?.route),
  setting: new Map(from?.setting),
});

/** A document's list of one kind as changes, each with the field path it came from. */
export function stage<K extends EntityKind>(kind: K, field: string, list: ReadonlyArray<DefinitionOf<K>>) {
  return list.map((definition, i) => {
    const change: ModelChange<K> = { kind, id: definition.id, definition };
    return { field: `${field}[${i}]`, change };
  });
}

/** Builds a change of one kind; keyed by kind so generic code gets the union `ModelChange` back. */
export const CHANGE_OF: { [K in EntityKind]: (id: string, definition: DefinitionOf<K> | null) => ModelChange } = {
  objective: (id, definition) => ({ kind: 'objective', id, definition }),
  kpi: (id, definition) => ({ kind: 'kpi', id, definition }),
  goal: (id, definition) => ({ kind: 'goal', id, definition }),
  rule: (id, definition) => ({ kind: 'rule', id, definition }),
  board: (id, definition) => ({ kind: 'board', id, definition }),
  channel: (id, definition) => ({ kind: 'channel', id, definition }),
  route: (id, definition) => ({ kind: 'route', id, definition }),
  setting: (id, definition) => ({ kind: 'setting', id, definition }),
};

/** Files a change into the map of its own kind. */
export function applyChange<K extends EntityKind>(maps: ModelMaps, change: ModelChange<K>): void {
  const map: ModelMaps[K] = maps[change.kind];
  if (change.definition) map.set(change.id, change.definition);
  else map.delete(change.id);
}
