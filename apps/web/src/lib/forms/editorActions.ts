import { routeHref, type EditKind } from '../router/route.ts';
import type { EditorModel } from './EditorModel.svelte.ts';

/**
 * What every editor page does with its form: a definition just created moves to its own page
 * (so the next save is a PUT with its version); a deleted one goes back to where it is listed.
 */
export function editorActions<V, D extends { id: string }>(
  editor: EditorModel<V, D>,
  kind: EditKind,
  go: (href: string) => void,
  afterDelete: string,
) {
  return {
    async submit(event: SubmitEvent): Promise<void> {
      event.preventDefault();
      const saved = await editor.save();
      if (saved !== null && editor.isNew) go(routeHref({ page: 'edit', kind, id: saved }));
    },
    async remove(): Promise<void> {
      if (await editor.remove()) go(afterDelete);
    },
  };
}
