import { describe, expect, it } from 'vitest';
import { boardToForm, formToBoard, moveTile } from './boardForm.ts';

describe('board form', () => {
  it('round-trips a board through the form', () => {
    const board = { id: 'ops', name: 'Ops', description: 'night shift', kpis: ['a', 'b'], rotateSeconds: 20 };
    const { definition, problems } = formToBoard(boardToForm(board));
    expect(problems).toEqual([]);
    expect(definition).toEqual(board);
  });

  it('names each field that is wrong', () => {
    const { problems } = formToBoard({ id: 'Bad Id', name: ' ', description: '', kpis: ['a', 'a'], rotateSeconds: '2.5' });
    expect(problems.map((p) => p.field).sort()).toEqual(['id', 'kpis', 'name', 'rotateSeconds']);
  });

  it('moves a tile within bounds and leaves the input alone', () => {
    const tiles = ['a', 'b', 'c'];
    expect(moveTile(tiles, 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveTile(tiles, 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveTile(tiles, 0, 5)).toEqual(['b', 'c', 'a']);
    expect(tiles).toEqual(['a', 'b', 'c']);
  });
});
