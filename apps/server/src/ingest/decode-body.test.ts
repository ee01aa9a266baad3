import { describe, expect, it } from 'vitest';
import { BodyError, decodeBody, formatFromContentType } from './decode-body.ts';

const NOW = Date.UTC(2026, 10, 25, 12);

describe('decodeBody', () => {
  it('judges each NDJSON line on its own and numbers lines from 1, blank lines included', () => {
    const text = ['{"metric":"a","value":1}', '', 'not json', '{"metric":"a","value":"x"}', '{"metric":"b","value":2}'].join('\n');
    const out = decodeBody(text, 'ndjson', NOW);
    expect(out.events.map((e) => e.metric)).toEqual(['a', 'b']);
    expect(out.rejected.map((r) => r.line)).toEqual([3, 4]);
    expect(out.rejected[0]?.reason).toMatch(/not valid JSON/);
    expect(out.rejected[1]?.reason).toMatch(/value must be a number/);
    expect(out.rejected[0]?.raw).toBe('not json');
  });

  it('tolerates CRLF and a trailing newline', () => {
    expect(decodeBody('{"metric":"a","value":1}\r\n{"metric":"a","value":2}\r\n', 'ndjson', NOW).events).toHaveLength(2);
  });

  it('numbers JSON array elements from 1 and accepts a single object', () => {
    const out = decodeBody('[{"metric":"a","value":1},{"metric":"A","value":1}]', 'json', NOW);
    expect(out.events).toHaveLength(1);
    expect(out.rejected).toEqual([expect.objectContaining({ line: 2, reason: expect.stringMatching(/metric may only contain/) })]);
    expect(decodeBody('{"metric":"a","value":1}', 'json', NOW).events).toHaveLength(1);
  });

  it('refuses a JSON body that does not parse, saying how to send NDJSON', () => {
    expect(() => decodeBody('[{"metric":', 'json', NOW)).toThrow(BodyError);
    expect(() => decodeBody('{"metric":"a","value":1}\n{"metric":"b","value":1}', 'json', NOW)).toThrow(/application\/x-ndjson/);
  });
});

describe('formatFromContentType', () => {
  it('picks NDJSON for its media types and JSON otherwise', () => {
    expect(formatFromContentType('application/x-ndjson')).toBe('ndjson');
    expect(formatFromContentType('application/jsonl; charset=utf-8')).toBe('ndjson');
    expect(formatFromContentType('application/json')).toBe('json');
    expect(formatFromContentType(undefined)).toBe('json');
  });
});
