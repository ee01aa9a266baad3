import { describe, expect, it } from 'vitest';
import { csvField, exportFileName, exportRows, toCsv } from './export-format.ts';

describe('export format', () => {
  it('writes a header and ISO timestamps, with the target in force, CRLF line ends', () => {
    const rows = exportRows(
      [
        [Date.UTC(2026, 10, 1, 1), 12.5],
        [Date.UTC(2026, 10, 1, 2), null],
      ],
      [
        [Date.UTC(2026, 10, 1, 1), 10, null, null],
        [Date.UTC(2026, 10, 1, 2), 10, 5, 15],
      ],
    );
    expect(toCsv(rows)).toBe('ts,value,target,low,high\r\n2026-11-01T01:00:00.000Z,12.5,10,,\r\n2026-11-01T02:00:00.000Z,,10,5,15\r\n');
  });

  it('quotes fields as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(-1.5e-7)).toBe('-1.5e-7');
  });

  it('names the file after the KPI and the range', () => {
    expect(exportFileName('revenue', Date.UTC(2026, 10, 1), Date.UTC(2026, 10, 2), 'csv')).toBe(
      'revenue_2026-11-01T0000_2026-11-02T0000.csv',
    );
  });
});
