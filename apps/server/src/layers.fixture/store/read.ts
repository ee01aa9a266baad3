import { ROUTES } from '../http/route.ts';

/** store/ reaching up into http/: the deliberate violation layers.test.ts expects to be reported. */
export const READS = ROUTES.length;
