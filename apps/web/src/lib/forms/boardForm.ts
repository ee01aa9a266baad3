import type { Board } from '@northstar/shared';
import type { FieldProblem } from '@northstar/shared';
import { MAX_ROTATE_SECONDS, MIN_ROTATE_SECONDS } from '../router/route.ts';
import { Problems, optionalText } from './fields.ts';
import { defined } from './objectiveForm.ts';

/** The board schema's bound on tiles (packages/shared BoardSchema). */
export const MAX_BOARD_TILES = 500;
const DEFAULT_ROTATE_SECONDS = 30;

/** The board editor's inputs; `kpis` is the tile order as shown. */
export interface BoardFormValues {
  id: string;
  name: string;
  description: string;
  kpis: string[];
  rotateSeconds: string;
}

/** Input names, which are also the schema's paths, for placing the server's error details. */
export const BOARD_FIELDS = ['id', 'name', 'description', 'kpis', 'rotateSeconds'] as const;

export function boardToForm(b: Partial<Board> = {}, preset: Readonly<Record<string, string>> = {}): BoardFormValues {
  return {
    id: b.id ?? '',
    name: b.name ?? preset.name ?? '',
    description: b.description ?? '',
    kpis: [...(b.kpis ?? [])],
    rotateSeconds: String(b.rotateSeconds ?? DEFAULT_ROTATE_SECONDS),
  };
}

/** The definition to send, and what is obviously wrong with it (the server has the last word). */
export function formToBoard(v: BoardFormValues): { definition: Board; problems: FieldProblem[] } {
  const p = new Problems();
  const id = p.id('id', v.id) ?? '';
  const name = v.name.trim();
  if (name === '') p.add('name', 'is required');
  const rotate = p.number('rotateSeconds', v.rotateSeconds) ?? DEFAULT_ROTATE_SECONDS;
  if (!Number.isInteger(rotate) || rotate < MIN_ROTATE_SECONDS || rotate > MAX_ROTATE_SECONDS)
    p.add('rotateSeconds', `must be a whole number of seconds from ${MIN_ROTATE_SECONDS} to ${MAX_ROTATE_SECONDS}`);
  if (new Set(v.kpis).size !== v.kpis.length) p.add('kpis', 'lists a KPI twice');
  if (v.kpis.length > MAX_BOARD_TILES) p.add('kpis', `must hold at most ${MAX_BOARD_TILES} tiles`);
  const definition: Board = {
    id,
    name,
    kpis: [...v.kpis],
    rotateSeconds: rotate,
    ...defined({ description: optionalText(v.description) }),
  };
  return { definition, problems: p.list };
}

/** The tile list with the tile at `index` moved by `by` places (clamped); the input is left alone. */
export function moveTile(kpis: readonly string[], index: number, by: number): string[] {
  const next = [...kpis];
  const to = Math.max(0, Math.min(next.length - 1, index + by));
  if (index < 0 || index >= next.length || to === index) return next;
  const [moved] = next.splice(index, 1) as [string];
  next.splice(to, 0, moved);
  return next;
}
