/** What the wrapper needs of a connection: methods, one of them `close`. */
interface Closable {
  close(): Promise<void>;
}

/** The connection contract's methods that run SQL on the engine, and the `.chdb` extension's raw insert. */
const QUERY_METHODS = new Set(['query', 'exec', 'insert', 'command', 'ping', 'rawInsert']);
/** Members holding more such methods: chdb's escape hatches (`connection.chdb.rawInsert`) run on the same engine. */
const NESTED = new Set(['chdb']);

export class StoreClosingError extends Error {
  override readonly name = 'StoreClosingError';
  constructor() {
    super('the store is closing: no new queries are accepted');
  }
}

/**
 * chdb runs each query on a worker thread of the engine living in this process; closing
 * its session while a query still runs ends the process with SIGSEGV. Timers (detection,
 * auth reloads, retention) can start a query at any moment, so `close` waits for every
 * query in flight and refuses new ones instead of trusting each caller to stop first.
 */
export function drainingConnection<T extends Closable>(connection: T, maxWaitMs = 15_000): T {
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;
  const track = <O extends object>(target: O, top: boolean): O =>
    new Proxy(target, {
      get(t, prop) {
        // the target as receiver: getters read private fields (chdb's `.chdb` does)
        const value: unknown = Reflect.get(t, prop);
        if (typeof prop === 'string' && NESTED.has(prop) && typeof value === 'object' && value !== null) return track(value, false);
        if (typeof value !== 'function') return value;
        if (top && prop === 'close') {
          return () =>
            (closing ??= (async () => {
              const deadline = new Promise((resolve) => setTimeout(resolve, maxWaitMs).unref());
              await Promise.race([Promise.allSettled([...inFlight]), deadline]);
              await connection.close();
            })());
        }
        if (typeof prop !== 'string' || !QUERY_METHODS.has(prop)) return value;
        return (...args: unknown[]) => {
          if (closing) return Promise.reject(new StoreClosingError());
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(t, args);
          if (result instanceof Promise) {
            inFlight.add(result);
            const forget = () => inFlight.delete(result);
            result.then(forget, forget);
          }
          return result;
        };
      },
    });
  return track(connection, true);
}
