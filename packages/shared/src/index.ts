export * from './event.ts';
export * from './kpi.ts';
export * from './status.ts';
export * from './protocol.ts';
export * from './api.ts';
export * from './feedback.ts';
export * from './targets.ts';
export * from './alignment-api.ts';
