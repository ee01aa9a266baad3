import { describe, expect, it } from 'vitest';
import { elementSpans } from './json-spans.ts';

describe('elementSpans', () => {
  it('finds each element of an array with its depth, strings with brackets and escapes included', () => {
    const text = ' [ {"a":"]\\"[,"} , 1,[[2]],"x" ] ';
    const spans = elementSpans(text);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(['{"a":"]\\"[,"}', '1', '[[2]]', '"x"']);
    expect(spans.map((s) => s.depth)).toEqual([2, 1, 3, 1]);
  });

  it('measures 100 000 levels without recursion', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const spans = elementSpans(`[{"metric":"m","value":1},${deep}]`);
    expect(spans.map((s) => s.depth)).toEqual([2, 100_001]);
  });

  it('gives one span for a body that is a single value, and none for an empty array', () => {
    expect(elementSpans('{"a":{"b":1}}\n')).toEqual([{ start: 0, end: 13, depth: 3 }]);
    expect(elementSpans('[]')).toEqual([]);
  });
});
