// Entry of a decode worker (decode-pool.ts). Workers start with no loader flags, whatever
// started the main thread (node --import tsx, vitest), so the TypeScript loader is
// registered here, in the worker, before the decoding code is imported.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./decode-worker.ts');

export const kafka = worker.kafka;
export const body = worker.body;
