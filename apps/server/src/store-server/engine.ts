import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Session } from 'chdb';
import { ConfigError } from '../config/errors.ts';
import { insertWithRows, type StoreRequest } from './request.ts';

export interface EngineResult {
  body: Buffer;
  readRows: number;
  readBytes: number;
  elapsedNs: number;
}

/**
 * Where the embedded engine's defaults differ from clickhouse-server's, the server's: a
 * client must see what a real server would send it (64-bit integers quoted in JSON).
 * A request's own settings come after these and win.
 */
const SERVER_DEFAULTS = ['SET output_format_json_quote_64bit_integers = 1'];

/** A ClickHouse SQL string literal of any text (backslash and quote escaped). */
function literal(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The embedded engine behind `northstar store`, on the data directory it owns. Every
 * request runs on a connection of its own (chdb opens one in well under a millisecond):
 * settings and bound parameters are SET on it, so nothing of one request (an insert's
 * deduplication token, a parameter a later query forgot to bind) leaks into the next, as
 * it would on a shared connection. Closing waits for the statements in flight: closing
 * chdb under a running statement ends the process.
 */
export class StoreEngine {
  readonly #path: string;
  readonly #spool: string;
  /** Held open for the process's life: the engine stays loaded between requests. */
  readonly #anchor: Session;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closing = false;

  constructor(dataDir: string) {
    this.#path = path.join(dataDir, 'chdb');
    this.#spool = path.join(dataDir, 'store-spool');
    mkdirSync(this.#path, { recursive: true });
    try {
      this.#anchor = new Session(this.#path);
    } catch (err) {
      // the engine locks its directory: a northstar serve or another store has it open
      throw new ConfigError(
        `cannot open the store at ${this.#path}: ${err instanceof Error && err.cause instanceof Error ? err.cause.message : (err as Error).message} ` +
          '(is a northstar serve or northstar store using this data directory? stop it, or give this one another --data-dir)',
      );
    }
    // only once the directory is ours: rows of an insert cut short by a crash were never seen by the engine
    rmSync(this.#spool, { recursive: true, force: true });
    mkdirSync(this.#spool, { recursive: true });
  }

  get path(): string {
    return this.#path;
  }

  async version(): Promise<string> {
    return (await this.#anchor.queryAsync('SELECT version()', { format: 'TSVRaw' })).text().trim();
  }

  /** Runs the request's statement (`sql`) with its settings and parameters; `rows` is an insert's body. */
  run(req: StoreRequest, sql: string, rows: Buffer | undefined, readonly: boolean): Promise<EngineResult> {
    if (this.#closing) return Promise.reject(new Error('Code: 210. DB::Exception: northstar store is shutting down. (NETWORK_ERROR)'));
    const p = this.#run(req, sql, rows, readonly);
    this.#inFlight.add(p);
    const forget = () => this.#inFlight.delete(p);
    p.then(forget, forget);
    return p;
  }

  async #run(req: StoreRequest, sql: string, rows: Buffer | undefined, readonly: boolean): Promise<EngineResult> {
    const session = new Session(this.#path);
    let spooled: string | undefined;
    try {
      const prelude: string[] = [...SERVER_DEFAULTS];
      // a GET may only read, as on clickhouse-server (readonly=2 still lets it change settings)
      if (readonly) prelude.push('SET readonly = 2');
      for (const [k, v] of req.settings) prelude.push(`SET ${k} = ${literal(v)}`);
      // the value as the client escaped it: the engine parses it by the placeholder's type
      for (const [k, v] of req.params) prelude.push(`SET param_${k} = ${literal(v)}`);
      if (req.database) prelude.push(`USE \`${req.database}\``);
      if (prelude.length > 0) await session.queryAsync(prelude.join('; '), { format: 'TSV' });
      let statement = sql;
      if (rows && rows.length > 0) {
        const insert = insertWithRows(sql);
        if (insert) {
          // the rows reach the engine's parser as the bytes they are: any format, binary ones too
          spooled = path.join(this.#spool, randomUUID());
          await writeFile(spooled, rows);
          statement = `${insert.head} FROM INFILE ${literal(spooled)} FORMAT ${insert.format}`;
        } else {
          // clickhouse-server reads the statement as the query parameter, a newline, then the body
          statement = `${sql}\n${rows.toString('utf8')}`;
        }
      }
      const result = await session.queryAsync(statement, { format: req.defaultFormat });
      const bytes = result.bytes();
      return {
        body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        readRows: result.rowsRead,
        readBytes: result.bytesRead,
        elapsedNs: Math.round(result.elapsed * 1e9),
      };
    } finally {
      session.close();
      if (spooled) rmSync(spooled, { force: true });
    }
  }

  async close(maxWaitMs = 15_000): Promise<void> {
    this.#closing = true;
    const deadline = new Promise((resolve) => setTimeout(resolve, maxWaitMs).unref());
    await Promise.race([Promise.allSettled([...this.#inFlight]), deadline]);
    this.#anchor.close();
  }
}
