import type { Confidence, SubjectKind } from '@northstar/shared';
import { ApiError, call, client, currentUser, errorMessage, rememberUser } from '../api/client.ts';
import { getDefinition } from '../api/model.ts';
import { NO_ERRORS, mapFieldErrors, type FieldErrors } from './fieldErrors.ts';
import { CHECKIN_FIELDS, formToCheckin } from './checkinForm.ts';

/** A check-in on an objective, KPI or goal: confidence, a narrative and (for goals) progress. */
export class CheckinModel {
  name = $state('');
  target = $state<string | null>(null);
  confidence = $state<Confidence | ''>('');
  narrative = $state('');
  value = $state('');
  author = $state(currentUser());
  errors = $state.raw<FieldErrors>(NO_ERRORS);
  status = $state.raw<{ kind: 'idle' | 'saved' | 'error'; text: string }>({ kind: 'idle', text: '' });
  saving = $state(false);

  constructor(
    readonly kind: SubjectKind,
    readonly id: string,
  ) {
    this.name = id;
  }

  async load(): Promise<void> {
    try {
      const def = await getDefinition<{ name?: string; target?: number; unit?: string }>(this.kind, this.id);
      this.name = def.name ?? this.id;
      if (this.kind === 'goal' && def.target !== undefined) this.target = `${def.target}${def.unit ? ` ${def.unit}` : ''}`;
    } catch {
      // The name is a courtesy; the check-in itself names the subject by id.
    }
  }

  async submit(): Promise<boolean> {
    const { body, problems } = formToCheckin(this.kind, this.id, this.confidence, this.narrative, this.value);
    this.errors = mapFieldErrors(problems, CHECKIN_FIELDS);
    if (problems.length > 0) return false;
    if (this.author.trim()) rememberUser(this.author);
    this.saving = true;
    try {
      await call(client.api.v1.checkins.$post({ json: body }));
      this.status = { kind: 'saved', text: 'Check-in recorded. Thank you.' };
      this.narrative = '';
      this.value = '';
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.details.length > 0)
        this.errors = mapFieldErrors(err.details, CHECKIN_FIELDS, { 'subject.id': 'subject', 'subject.kind': 'subject' });
      this.status = { kind: 'error', text: errorMessage(err) };
      return false;
    } finally {
      this.saving = false;
    }
  }
}
