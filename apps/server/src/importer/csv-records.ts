/** One CSV record and the line it starts on (1-based; a quoted field may span lines). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * An RFC 4180 reader fed chunk by chunk: quoted fields may hold commas, doubled quotes
 * and line breaks; lines end in CRLF or LF. Blank lines are skipped. Only the partial
 * record at the end of a chunk is held between chunks, so files of any size stream.
 */
export class CsvRecords {
  #field = '';
  #fields: string[] = [];
  #quoted = false;
  /** The previous character closed a quote: a following quote is an escaped one. */
  #quoteClosed = false;
  #line = 1;
  #recordLine = 1;
  #fieldStarted = false;

  /** The records completed by this chunk. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i] as string;
      if (this.#quoted) {
        if (ch === '"') {
          this.#quoted = false;
          this.#quoteClosed = true;
        } else {
          if (ch === '\n') this.#line++;
          this.#field += ch;
        }
        continue;
      }
      if (ch === '"') {
        // a quote right after a closing quote is an escaped quote inside the field
        if (this.#quoteClosed) this.#field += '"';
        this.#quoted = true;
        this.#quoteClosed = false;
        this.#fieldStarted = true;
        continue;
      }
      this.#quoteClosed = false;
      if (ch === ',') {
        this.#fields.push(this.#field);
        this.#field = '';
        this.#fieldStarted = true;
      } else if (ch === '\n') {
        this.#endRecord(out);
        this.#line++;
        this.#recordLine = this.#line;
      } else if (ch !== '\r') {
        this.#field += ch;
        this.#fieldStarted = true;
      }
    }
    return out;
  }

  /** The last record, when the file does not end with a line break. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    this.#endRecord(out);
    return out;
  }

  #endRecord(out: CsvRecord[]): void {
    if (this.#fieldStarted || this.#fields.length > 0 || this.#field !== '') {
      this.#fields.push(this.#field);
      out.push({ line: this.#recordLine, fields: this.#fields });
    }
    this.#fields = [];
    this.#field = '';
    this.#fieldStarted = false;
    this.#quoteClosed = false;
  }
}
