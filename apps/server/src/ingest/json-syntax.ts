import { printParseErrorCode, visit, type ParseErrorCode } from 'jsonc-parser';

const WHAT: Partial<Record<ReturnType<typeof printParseErrorCode>, string>> = {
  InvalidSymbol: 'unexpected',
  InvalidNumberFormat: 'bad number',
  PropertyNameExpected: 'expected a "quoted" field name at',
  ValueExpected: 'expected a value at',
  ColonExpected: 'expected ":" at',
  CommaExpected: 'expected "," at',
  CloseBraceExpected: 'expected "}" at',
  CloseBracketExpected: 'expected "]" at',
  EndOfFileExpected: 'expected the end after the value, found',
  InvalidCommentToken: 'JSON has no comments:',
  UnexpectedEndOfComment: 'JSON has no comments:',
  UnexpectedEndOfString: 'unterminated string at',
  UnexpectedEndOfNumber: 'unterminated number at',
  InvalidUnicode: 'bad \\u escape at',
  InvalidEscapeCharacter: 'bad escape at',
  InvalidCharacter: 'raw control character in a string at',
};

/**
 * Where and why `text` is not JSON, as "line 3, column 18: unexpected "NaN"" (just "column 18: …"
 * for one NDJSON line, whose number the caller gives), for a person to find. JSON.parse in
 * Node 20 often names no position, so the text is scanned again; this runs only for text
 * that already failed to parse. `fallback` is JSON.parse's own message.
 */
export function jsonSyntaxError(text: string, fallback: string, oneLine = false): string {
  let found: { code: ParseErrorCode; offset: number; line: number; column: number } | undefined;
  const record = (code: ParseErrorCode, offset: number, _length: number, line: number, column: number) => {
    found ??= { code, offset, line, column };
  };
  try {
    visit(text, { onError: record }, { disallowComments: true, allowTrailingComma: false });
  } catch (err) {
    // the scanner recurses per nesting level: a body nested thousands deep overflows it
    if (!(err instanceof RangeError)) throw err;
  }
  // JSON.parse's message quotes the input: never echo control characters (binary) back
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (found === undefined) return fallback.slice(0, 200).replace(/[\u0000-\u001f\u007f]/g, '?');
  const at = text.slice(found.offset, found.offset + 20).split(/[\s,:\]}]/)[0] ?? '';
  const token = at === '' ? (found.offset >= text.length ? 'the end' : JSON.stringify(text[found.offset])) : JSON.stringify(at);
  const what = WHAT[printParseErrorCode(found.code)] ?? 'syntax error at';
  const hint = /^"-?(NaN|Infinity)"$/.test(token) ? ' (JSON has no NaN or Infinity: send a finite number)' : '';
  const where = oneLine ? `column ${found.column + 1}` : `line ${found.line + 1}, column ${found.column + 1}`;
  return `${where}: ${what} ${token}${hint}`;
}
