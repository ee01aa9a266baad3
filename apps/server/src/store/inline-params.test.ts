import { describe, expect, it } from 'vitest';
import { InlineParamError, inlineParams } from './inline-params.ts';

describe('inlineParams', () => {
  it('puts each value in its placeholder as a literal cast to the placeholder type', () => {
    expect(inlineParams('SELECT {a:Int64}, {b:UInt32}, {c:Float64}', { a: -5, b: 7, c: 0.25 })).toBe(
      'SELECT CAST(-5 AS Int64), CAST(7 AS UInt32), CAST(0.25 AS Float64)',
    );
    expect(inlineParams('WHERE metric IN ({m:Array(String)})', { m: ['a', 'b'] })).toBe(
      "WHERE metric IN (CAST(['a','b'] AS Array(String)))",
    );
  });

  it('quotes and escapes strings with the client library: quote, backslash, tab, newline, CR', () => {
    expect(inlineParams('SELECT {s:String}', { s: "it's a \\ path\t\n\r" })).toBe("SELECT CAST('it\\'s a \\\\ path\\t\\n\\r' AS String)");
    expect(inlineParams('SELECT {s:Array(String)}', { s: ["a'", '\\'] })).toBe("SELECT CAST(['a\\'','\\\\'] AS Array(String))");
  });

  it('scans the SQL once: a value that looks like a placeholder stays a value', () => {
    expect(inlineParams('SELECT {a:String}, {b:String}', { a: '{b:String}', b: 'x' })).toBe(
      "SELECT CAST('{b:String}' AS String), CAST('x' AS String)",
    );
  });

  it('refuses a missing value, a value of the wrong shape and a type it has no literal for, naming the parameter', () => {
    expect(() => inlineParams('SELECT {a:Int64}', {})).toThrow(/parameter a \(Int64\) has no value/);
    expect(() => inlineParams('SELECT {a:Int64}', { a: '1 OR 1=1' })).toThrow(InlineParamError);
    expect(() => inlineParams('SELECT {a:Int64}', { a: 1.5 })).toThrow(/parameter a \(Int64\): expected a safe integer/);
    expect(() => inlineParams('SELECT {a:Int64}', { a: 2 ** 60 })).toThrow(/safe integer/);
    expect(() => inlineParams('SELECT {a:UInt64}', { a: -1 })).toThrow(/parameter a \(UInt64\): expected an integer ≥ 0/);
    expect(() => inlineParams('SELECT {a:Float64}', { a: Number.NaN })).toThrow(/finite/);
    expect(() => inlineParams('SELECT {a:Float64}', { a: '1' })).toThrow(/finite/);
    expect(() => inlineParams('SELECT {a:String}', { a: 1 })).toThrow(/parameter a \(String\): expected a string/);
    expect(() => inlineParams('SELECT {a:Array(String)}', { a: ['x', 1] })).toThrow(/array of strings/);
    expect(() => inlineParams('SELECT {a:Identifier}', { a: 'events' })).toThrow(/no literal form/);
  });
});
