import { describe, expect, it } from 'vitest';
import { DecodePool } from './decode-pool.ts';
import { BodyError, OFF_THREAD_FROM_BYTES, decodeBody, decodeBodyOffThread, formatFromContentType } from './decode-body.ts';

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

describe('decodeBody on hostile input', () => {
  it('rejects a deeply nested array element on its own and keeps the valid events (5 000 and 100 000 levels)', () => {
    for (const levels of [5_000, 100_000]) {
      const deep = '['.repeat(levels) + ']'.repeat(levels);
      const text = `[{"metric":"a","value":1},${deep},{"metric":"a","value":2,"dims":{"x":${deep}}},{"metric":"b","value":3}]`;
      const out = decodeBody(text, 'json', NOW);
      expect(out.events.map((e) => e.value)).toEqual([1, 3]);
      expect(out.rejected.map((r) => r.line)).toEqual([2, 3]);
      expect(out.rejected[0]!.reason).toMatch(/nests \d+ levels deep/);
      expect(out.rejected[0]!.raw).toBe(deep);
    }
  });

  it('refuses invalid UTF-8 in a JSON body with its line and byte offset, never as U+FFFD', () => {
    const body = Buffer.concat([
      Buffer.from('[{"metric":"a","value":1},\n {"metric":"a","value":1,"id":"x'),
      Buffer.from([0xfe]),
      Buffer.from('"}]'),
    ]);
    expect(() => decodeBody(body, 'json', NOW)).toThrow(/not valid UTF-8: byte 0xfe at byte offset 59 \(line 2, byte 33 of the line\)/);
  });

  it('refuses only the NDJSON lines holding invalid UTF-8, so two ids differing in a bad byte do not collide', () => {
    const line = (b: number) => Buffer.concat([Buffer.from('{"metric":"a","value":1,"id":"k'), Buffer.from([b]), Buffer.from('"}\n')]);
    const body = Buffer.concat([
      Buffer.from('{"metric":"a","value":1,"id":"ok"}\n'),
      line(0xff),
      line(0xfe),
      Buffer.from('{"metric":"a","value":2}\n'),
    ]);
    const out = decodeBody(body, 'ndjson', NOW);
    expect(out.events.map((e) => e.id)).toEqual(['ok', '']);
    expect(out.rejected.map((r) => r.line)).toEqual([2, 3]);
    expect(out.rejected[0]!.reason).toMatch(/^not valid UTF-8: byte 0xff at byte 32 of the line \(byte offset 66 in the body\)/);
    expect(out.events.some((e) => e.id.includes('\uFFFD'))).toBe(false);
  });
});

describe('decodeBodyOffThread', () => {
  /** An NDJSON body past the off-thread size, with a bad line of each kind. */
  function bigBody(): Buffer {
    const lines: Buffer[] = [];
    for (let i = 0; lines.reduce((n, l) => n + l.length, 0) < 2 * OFF_THREAD_FROM_BYTES; i++) {
      if (i === 10) lines.push(Buffer.from('not json\n'));
      else if (i === 20)
        lines.push(Buffer.concat([Buffer.from('{"metric":"a","value":1,"id":"'), Buffer.from([0xff]), Buffer.from('"}\n')]));
      else if (i === 30) lines.push(Buffer.from('{"metric":"a","value":"x"}\n'));
      else lines.push(Buffer.from(`${JSON.stringify({ metric: 'a', value: i, id: `e${i}`, dims: { city: 'Zürich' } })}\n`));
    }
    return Buffer.concat(lines);
  }

  it('decodes a big body in the pool with the same events and the same rejects, by line, as decodeBody', async () => {
    const body = bigBody();
    const out = await decodeBodyOffThread(body, 'ndjson', NOW);
    expect(out).toEqual(decodeBody(body, 'ndjson', NOW));
    expect(out.rejected.map((r) => r.line)).toEqual([11, 21, 31]);
    expect(out.rejected[1]!.reason).toMatch(/^not valid UTF-8: byte 0xff/);
    expect(out.events[0]!.dims).toEqual({ city: 'Zürich' });
  });

  it('refuses a big JSON body that is not UTF-8 with a BodyError saying where, as decodeBody does', async () => {
    const body = Buffer.concat([Buffer.from('['), bigBody()]);
    const error = await decodeBodyOffThread(body, 'json', NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyError);
    expect((error as Error).message).toBe(
      (() => {
        try {
          decodeBody(body, 'json', NOW);
        } catch (e) {
          return (e as Error).message;
        }
      })(),
    );
    expect((error as Error).message).toMatch(/^body is not valid UTF-8: byte 0xff at byte offset \d+ \(line 21,/);
  });

  it('decodes on the calling thread, with the same result, when a worker fails', async () => {
    class FailingPool extends DecodePool {
      override body(): Promise<never> {
        return Promise.reject(new Error('worker ended: out of memory'));
      }
    }
    const failing = new FailingPool({ threads: 1 });
    const body = bigBody();
    expect(await decodeBodyOffThread(body, 'ndjson', NOW, failing)).toEqual(decodeBody(body, 'ndjson', NOW));
    await failing.close();
  });

  it('decodes a small body on the calling thread, with the same result', async () => {
    const body = Buffer.from('{"metric":"a","value":1}\nnope\n');
    expect(await decodeBodyOffThread(body, 'ndjson', NOW)).toEqual(decodeBody(body, 'ndjson', NOW));
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
