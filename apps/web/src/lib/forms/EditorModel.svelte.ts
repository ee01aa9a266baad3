import type { LintSubjectKind, Objective } from '@northstar/shared';
import { onMount } from 'svelte';
import type { FieldProblem } from '@northstar/shared';
import { ApiError, call, client, currentUser, errorMessage, rememberUser } from '../api/client.ts';
import { applyFix, deleteDefinition, loadDefinition, saveDefinition, type ModelKind } from '../api/model.ts';
import type { LintFinding } from '../api/types.ts';
import { NO_ERRORS, mapFieldErrors, type FieldErrors } from './fieldErrors.ts';

export interface EditorConfig<V, D> {
  kind: ModelKind;
  toForm: (definition: Partial<D>, preset: Readonly<Record<string, string>>) => V;
  toDefinition: (values: V) => { definition: D; problems: FieldProblem[] };
  fieldNames: (values: V) => readonly string[];
  aliases?: Readonly<Record<string, string>>;
}

/** What the model lint looks at; rules and boards have no findings, so their editors do not ask. */
const LINTED: readonly string[] = ['objective', 'kpi', 'goal'] satisfies LintSubjectKind[];

type Status = { kind: 'idle' } | { kind: 'saved'; text: string } | { kind: 'error'; text: string } | { kind: 'conflict'; text: string };

/**
 * One definition being edited: loads it with its version, checks it before sending, saves
 * with If-Match so nobody's change is lost, shows the server's field errors where they belong.
 */
export class EditorModel<V, D extends { id: string }> {
  values = $state() as V;
  /** The version loaded; null for a new definition. */
  version = $state<number | null>(null);
  loading = $state(false);
  saving = $state(false);
  errors = $state.raw<FieldErrors>(NO_ERRORS);
  status = $state.raw<Status>({ kind: 'idle' });
  reason = $state('');
  author = $state(currentUser());
  findings = $state.raw<LintFinding[]>([]);
  objectives = $state.raw<Objective[]>([]);
  confirmingDelete = $state(false);
  /** The values as last loaded or saved: the form is dirty while it differs from them. */
  #saved = $state('');
  /** The form holds changes not saved yet. */
  readonly dirty = $derived(JSON.stringify(this.values) !== this.#saved);

  readonly #config: EditorConfig<V, D>;
  readonly id: string | null;

  constructor(config: EditorConfig<V, D>, id: string | null, preset: Readonly<Record<string, string>> = {}) {
    this.#config = config;
    this.id = id;
    this.values = config.toForm({}, preset);
    this.#saved = JSON.stringify(this.values);
  }

  get isNew(): boolean {
    return this.id === null;
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      const [objectives] = await Promise.all([
        call(client.api.v1.objectives.$get()).catch((): Objective[] => []),
        this.id === null ? Promise.resolve() : this.#loadDefinition(this.id),
        this.loadLint(),
      ]);
      this.objectives = objectives;
    } catch (err) {
      this.status = { kind: 'error', text: errorMessage(err) };
    } finally {
      this.loading = false;
    }
  }

  async #loadDefinition(id: string): Promise<void> {
    const { definition, version } = await loadDefinition<D>(this.#config.kind, id);
    this.values = this.#config.toForm(definition, {});
    this.#saved = JSON.stringify(this.values);
    this.version = version;
  }

  /** Lint findings about this subject; lint is advice, so a failure to fetch it shows nothing. */
  async loadLint(): Promise<void> {
    if (this.id === null || !LINTED.includes(this.#config.kind)) return;
    try {
      const { findings } = await call(client.api.v1.lint.$get());
      this.findings = findings.filter((f) => f.subject.kind === this.#config.kind && f.subject.id === this.id);
    } catch {
      this.findings = [];
    }
  }

  /** Saves; resolves with the saved id, or null when nothing was saved. */
  async save(): Promise<string | null> {
    const sent = JSON.stringify(this.values);
    const { definition, problems } = this.#config.toDefinition(this.values);
    const fields = this.#config.fieldNames(this.values);
    this.errors = mapFieldErrors(problems, fields, this.#config.aliases);
    if (problems.length > 0) {
      this.status = { kind: 'error', text: 'Please correct the fields marked above.' };
      return null;
    }
    if (this.author.trim()) rememberUser(this.author);
    this.saving = true;
    try {
      const saved = await saveDefinition(this.#config.kind, this.id, definition, {
        ifMatch: this.version ?? undefined,
        reason: this.reason,
      });
      this.version = saved.version;
      this.#saved = sent;
      this.errors = NO_ERRORS;
      this.status = { kind: 'saved', text: `Saved as version ${saved.version}.` };
      this.reason = '';
      void this.loadLint();
      return saved.id;
    } catch (err) {
      this.#fail(err, fields);
      return null;
    } finally {
      this.saving = false;
    }
  }

  /** Deletes (history is kept); resolves true when deleted. */
  async remove(): Promise<boolean> {
    if (this.id === null) return false;
    this.saving = true;
    try {
      await deleteDefinition(this.#config.kind, this.id, { ifMatch: this.version ?? undefined, reason: this.reason });
      return true;
    } catch (err) {
      this.#fail(err, this.#config.fieldNames(this.values));
      return false;
    } finally {
      this.saving = false;
      this.confirmingDelete = false;
    }
  }

  async fix(finding: LintFinding): Promise<void> {
    try {
      await applyFix(finding);
      if (this.id !== null) await this.#loadDefinition(this.id);
      await this.loadLint();
      this.status = { kind: 'saved', text: `Applied: ${finding.fix.text}` };
    } catch (err) {
      this.status = { kind: 'error', text: errorMessage(err) };
    }
  }

  #fail(err: unknown, fields: readonly string[]): void {
    if (err instanceof ApiError && err.status === 409 && err.code === 'version_conflict') {
      this.status = {
        kind: 'conflict',
        text: `Someone else changed this since you opened it (${err.message}). Reload to see their version, then make your change again.`,
      };
      return;
    }
    if (err instanceof ApiError && err.details.length > 0) {
      this.errors = mapFieldErrors(err.details, fields, this.#config.aliases);
      this.status = { kind: 'error', text: 'The server did not accept this; see the fields marked above.' };
      return;
    }
    this.status = { kind: 'error', text: errorMessage(err) };
  }
}

/** What every editor page is given: the id (null for a new one), values to start a new one with, and navigation. */
export interface EditorPageProps {
  id: string | null;
  preset: Readonly<Record<string, string>>;
  go: (href: string) => void;
}

/** An editor page's model, loading its definition once the page is mounted. Call it while the page is created. */
export function openEditor<V, D extends { id: string }>(
  config: EditorConfig<V, D>,
  id: string | null,
  preset: Readonly<Record<string, string>>,
): EditorModel<V, D> {
  const editor = new EditorModel(config, id, preset);
  onMount(() => void editor.load());
  return editor;
}
