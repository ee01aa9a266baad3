/** The connection contract's methods that run SQL on the engine, and the `.chdb` extension's raw insert. */
const STATEMENT_METHODS = new Set(['query', 'exec', 'insert', 'command', 'ping', 'rawInsert']);
/** Members holding more such methods: chdb's escape hatches (`connection.chdb.rawInsert`) run on the same connection. */
const NESTED = new Set(['chdb']);

/**
 * A chdb connection that is handed one statement at a time: the next waits here, in
 * JavaScript, until the one before has settled. chdb-node runs each statement on a libuv
 * thread, and a statement sent while its connection is busy does not wait in JavaScript: it
 * takes a thread and blocks it until the connection is free. The pool has 4 threads (Node's
 * default), so two statements queued on one connection and a busy one on two others left
 * none for a statement on an idle connection: `SELECT 1` on a connection of its own waited
 * 1.9 s while five 1-second queries were queued on another (probe, this session); while
 * ingesting, the inserts, id checks, the wall's reads and every chart took the threads in
 * turn. Queued here instead, a connection holds at most one thread, so the four
 * connections (queries, inserts, id checks, history reads) never wait for one another's
 * queues. Order per connection is kept (first called, first sent); a statement that fails
 * does not hold up the next.
 *
 * `beforeEach`, when given, is awaited at the head of the queue, right before each statement
 * is sent: ingest's connections wait there for the history reads in flight
 * (read-first-gate.ts), and the order per connection is still kept.
 */
export function oneStatementAtATime<T extends object>(connection: T, beforeEach?: () => Promise<void>): T {
  let tail: Promise<unknown> = Promise.resolve();
  const queued = (run: () => unknown): Promise<unknown> => {
    const next = beforeEach ? tail.then(beforeEach).then(run) : tail.then(run);
    tail = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  };
  const wrap = <O extends object>(target: O): O =>
    new Proxy(target, {
      get(t, prop) {
        // the target as receiver: getters read private fields (chdb's `.chdb` does)
        const value: unknown = Reflect.get(t, prop);
        if (typeof prop === 'string' && NESTED.has(prop) && typeof value === 'object' && value !== null) return wrap(value);
        if (typeof value !== 'function') return value;
        // other methods (close, …) on the target itself: they read its private fields
        if (typeof prop !== 'string' || !STATEMENT_METHODS.has(prop)) return (value as (...a: unknown[]) => unknown).bind(t);
        return (...args: unknown[]) => queued(() => (value as (...a: unknown[]) => unknown).apply(t, args));
      },
    });
  return wrap(connection);
}
