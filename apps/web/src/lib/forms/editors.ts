import type { AlertRule, Board, KpiDefinition, Objective } from '@northstar/shared';
import { routeHref, type EditKind } from '../router/route.ts';
import type { EditorConfig } from './EditorModel.svelte.ts';
import { BOARD_FIELDS, boardToForm, formToBoard, type BoardFormValues } from './boardForm.ts';
import { KPI_FIELD_ALIASES, formToKpi, kpiFieldNames, kpiToForm, type KpiFormValues } from './kpiForm.ts';
import { RULE_FIELDS, formToRule, ruleToForm, type RuleFormValues } from './ruleForm.ts';
import { OBJECTIVE_FIELDS, formToObjective, objectiveToForm, type ObjectiveFormValues } from './objectiveForm.ts';

export const OBJECTIVE_EDITOR: EditorConfig<ObjectiveFormValues, Objective> = {
  kind: 'objective',
  toForm: objectiveToForm,
  toDefinition: formToObjective,
  fieldNames: () => OBJECTIVE_FIELDS,
};

export const KPI_EDITOR: EditorConfig<KpiFormValues, KpiDefinition> = {
  kind: 'kpi',
  toForm: kpiToForm,
  toDefinition: formToKpi,
  fieldNames: kpiFieldNames,
  aliases: KPI_FIELD_ALIASES,
};

export const RULE_EDITOR: EditorConfig<RuleFormValues, AlertRule> = {
  kind: 'rule',
  toForm: ruleToForm,
  toDefinition: formToRule,
  fieldNames: () => RULE_FIELDS,
};

export const BOARD_EDITOR: EditorConfig<BoardFormValues, Board> = {
  kind: 'board',
  toForm: boardToForm,
  toDefinition: formToBoard,
  fieldNames: () => BOARD_FIELDS,
};

/** How each editor page presents itself: its heading, where its definitions are listed, lint advice, its layout. */
export interface EditorPage {
  /** The heading of a new one ("New KPI"). */
  newTitle: string;
  /** Before the name in the heading of an existing one (KPI “Orders”). */
  noun: string;
  /** The "back" link, and where a deleted definition's page goes. */
  back: { href: string; label: string };
  /** Lint findings above the form (the alignment kinds have them). */
  lint: boolean;
  /** A long form in titled sections (wider, tighter grid), or a short one in one grid. */
  layout: 'sections' | 'short';
}

const TREE = { href: routeHref({ page: 'tree' }), label: 'Back to the tree' };

export const EDITOR_PAGES: Readonly<Record<EditKind, EditorPage>> = {
  objective: { newTitle: 'New objective', noun: 'Objective', back: TREE, lint: true, layout: 'short' },
  kpi: { newTitle: 'New KPI', noun: 'KPI', back: TREE, lint: true, layout: 'sections' },
  rule: {
    newTitle: 'New alert rule',
    noun: 'Rule',
    back: { href: routeHref({ page: 'rules' }), label: 'Back to the rules' },
    lint: false,
    layout: 'sections',
  },
  board: {
    newTitle: 'New board',
    noun: 'Board',
    back: { href: routeHref({ page: 'boards' }), label: 'Back to the boards' },
    lint: false,
    layout: 'short',
  },
};
