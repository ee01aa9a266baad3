import type { AlertRule, Board, KpiDefinition, Objective } from '@northstar/shared';
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
