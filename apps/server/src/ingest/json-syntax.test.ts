import { describe, expect, it } from 'vitest';
import { jsonSyntaxError } from './json-syntax.ts';

describe('jsonSyntaxError', () => {
  it('names the line, column and token', () => {
    expect(jsonSyntaxError('[\n  {"v": NaN}\n]', 'x')).toBe(
      'line 2, column 9: unexpected "NaN" (JSON has no NaN or Infinity: send a finite number)',
    );
    expect(jsonSyntaxError('{"a":1}}', 'x')).toBe('line 1, column 8: expected the end after the value, found "}"');
    expect(jsonSyntaxError('[1,', 'x')).toBe('line 1, column 4: expected a value at the end');
    expect(jsonSyntaxError("{'a':1}", 'x', true)).toBe('column 2: unexpected "\'a\'"');
  });

  it('falls back to the parser message when the scan finds nothing', () => {
    expect(jsonSyntaxError('{"a":1}', 'fallback')).toBe('fallback');
  });

  it('survives a body nested deeper than the scanner can recurse (was a 500 from ingest)', () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    expect(jsonSyntaxError(`[${deep},%x]`, 'Unexpected token')).toBe('Unexpected token');
    expect(jsonSyntaxError(`[%x,${deep}]`, 'fallback')).toBe('line 1, column 2: unexpected "%x"');
  });

  it('never echoes control characters from the parser message', () => {
    // the parser message is used when the scan finds nothing: here, a body nested past the scanner's reach
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    expect(jsonSyntaxError(`[${deep},\u0001]`, 'Unexpected token \u0001 in "\u0001\u0002x"')).toBe('Unexpected token ? in "??x"');
  });
});
