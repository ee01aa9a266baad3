// Entry of a fan-out worker process (socket-workers.ts). It is forked with no loader flags,
// whatever started the main process (node --import tsx, vitest), so the TypeScript loader is
// registered here before the worker's code is imported.
import { register } from 'tsx/esm/api';

register();
await import('./socket-worker.ts');
