import { describe, expect, it } from 'vitest';
import { CsvRecords } from './csv-records.ts';
import { csvRecordToInput, judge, judgeNdjsonLine, readCsvHeader } from './rows.ts';

const NOW = Date.UTC(2026, 10, 25);

function records(text: string, chunk = 3) {
  const csv = new CsvRecords();
  const out = [];
  for (let i = 0; i < text.length; i += chunk) out.push(...csv.push(text.slice(i, i + chunk)));
  return [...out, ...csv.end()];
}

describe('CSV records', () => {
  it('reads quoted fields with commas, quotes and line breaks, whatever the chunking', () => {
    const text = 'metric,value,dim.note\r\nm,1,"a, ""b"""\n\nm,2,"two\nlines"\nm,3,last';
    for (const chunk of [1, 2, 5, 1000]) {
      expect(records(text, chunk)).toEqual([
        { line: 1, fields: ['metric', 'value', 'dim.note'] },
        { line: 2, fields: ['m', '1', 'a, "b"'] },
        { line: 4, fields: ['m', '2', 'two\nlines'] },
        { line: 6, fields: ['m', '3', 'last'] },
      ]);
    }
  });
});

describe('rows', () => {
  const header = readCsvHeader(['metric', 'value', 'ts', 'id', 'dim.region']);

  it('turns a record into the event a producer would send, and validates it like live ingest', () => {
    const input = csvRecordToInput(header, ['shop.orders', '2.5', '2026-11-01T00:00:00Z', 'o-1', 'eu']);
    expect(input).toEqual({ metric: 'shop.orders', value: 2.5, ts: '2026-11-01T00:00:00Z', id: 'o-1', dims: { region: 'eu' } });
    expect(judge(2, input, NOW)).toEqual({
      line: 2,
      ok: true,
      event: { metric: 'shop.orders', value: 2.5, ts: Date.UTC(2026, 10, 1), id: 'o-1', dims: { region: 'eu' } },
    });
    expect(csvRecordToInput(header, ['m', '1', String(Date.UTC(2026, 10, 1)), '', ''])).toEqual({
      metric: 'm',
      value: 1,
      ts: Date.UTC(2026, 10, 1),
    });
  });

  it('gives each bad row a reason', () => {
    const bad = (fields: string[]) => {
      const input = csvRecordToInput(header, fields);
      return typeof input === 'string' ? input : (judge(1, input, NOW) as { reason: string }).reason;
    };
    expect(bad(['m', 'abc', '', '', ''])).toMatch(/value must be a number, not string/);
    expect(bad(['m', '', '', '', ''])).toMatch(/value is required/);
    expect(bad(['Bad Metric', '1', '', '', ''])).toMatch(/metric may only contain/);
    expect(bad(['m', '1', 'yesterday', '', ''])).toMatch(/not ISO 8601/);
    expect(bad(['m', '1'])).toBe('has 2 fields, the header has 5');
    expect(judgeNdjsonLine(3, '{"metric":', NOW)).toMatchObject({
      line: 3,
      ok: false,
      reason: 'not valid JSON (column 11: expected a value at the end)',
    });
  });

  it('refuses a header it cannot read', () => {
    expect(() => readCsvHeader(['metric', 'amount'])).toThrow(/unknown column\(s\) "amount"/);
    expect(() => readCsvHeader(['metric', 'ts'])).toThrow(/"value" column is missing/);
  });
});
