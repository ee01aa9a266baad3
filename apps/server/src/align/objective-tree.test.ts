import { describe, expect, it } from 'vitest';
import { compareIds, objectiveTree } from './objective-tree.ts';

const o = (id: string, parent?: string) => ({ id, parent });

describe('objectiveTree', () => {
  it('links children to known parents, children sorted', () => {
    const tree = objectiveTree([o('root'), o('b', 'root'), o('a', 'root'), o('leaf', 'a')]);
    expect(Object.fromEntries(tree.parentOf)).toEqual({ a: 'root', b: 'root', leaf: 'a' });
    expect(tree.childrenOf.get('root')).toEqual(['a', 'b']);
    expect(tree.childrenOf.get('a')).toEqual(['leaf']);
    expect(tree.cycles).toEqual([]);
    expect(tree.unknownParents).toEqual([]);
  });

  it('leaves out and reports an edge to an unknown parent', () => {
    const tree = objectiveTree([o('a', 'ghost')]);
    expect(tree.parentOf.size).toBe(0);
    expect(tree.unknownParents).toEqual([{ objective: 'a', parent: 'ghost' }]);
  });

  it('drops a self-parent edge', () => {
    const tree = objectiveTree([o('a', 'a')]);
    expect(tree.parentOf.size).toBe(0);
    expect(tree.cycles).toEqual([{ objective: 'a', path: ['a', 'a'] }]);
  });

  it('drops exactly one edge of a loop, the same one whatever the input order', () => {
    const loop = [o('a', 'c'), o('b', 'a'), o('c', 'b')];
    for (const objectives of [loop, [...loop].reverse(), [loop[1]!, loop[2]!, loop[0]!]]) {
      const tree = objectiveTree(objectives);
      // a→c and b→a are accepted first; c→b would close c→b→a→c
      expect(Object.fromEntries(tree.parentOf)).toEqual({ a: 'c', b: 'a' });
      expect(tree.cycles).toEqual([{ objective: 'c', path: ['c', 'b', 'a', 'c'] }]);
    }
  });

  it('keeps the rest of the tree around a loop', () => {
    const tree = objectiveTree([o('x', 'y'), o('y', 'x'), o('z', 'x'), o('root'), o('w', 'root')]);
    expect(tree.cycles).toHaveLength(1);
    expect(tree.parentOf.get('z')).toBe('x');
    expect(tree.parentOf.get('w')).toBe('root');
  });
});

describe('compareIds', () => {
  it('orders by code point', () => {
    expect(['b', 'B', 'a', 'a-1', 'a.1'].sort(compareIds)).toEqual(['B', 'a', 'a-1', 'a.1', 'b']);
  });
});
