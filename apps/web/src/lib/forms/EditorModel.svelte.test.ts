import { describe, expect, it } from 'vitest';
import { EditorModel } from './EditorModel.svelte.ts';
import { OBJECTIVE_EDITOR } from './editors.ts';

describe('an editor’s dirty state', () => {
  it('is clean as opened (preset included), dirty after an edit, clean again when the edit is undone', () => {
    const editor = new EditorModel(OBJECTIVE_EDITOR, null, { parent: 'grow' });
    expect(editor.values.parent).toBe('grow');
    expect(editor.dirty).toBe(false);
    editor.values.name = 'Delight customers';
    expect(editor.dirty).toBe(true);
    editor.values.name = '';
    expect(editor.dirty).toBe(false);
  });

  it('stays dirty when a save is refused before it is sent', async () => {
    const editor = new EditorModel(OBJECTIVE_EDITOR, null);
    editor.values.name = 'No id yet';
    expect(await editor.save()).toBeNull();
    expect(editor.errors.byField.id).toBeDefined();
    expect(editor.dirty).toBe(true);
  });
});
