import { ROWS } from '../store/rows.ts';

/** http/ above store/: a downward import the layer check allows. */
export interface Route {
  path: string;
}
export const ROUTES: Route[] = ROWS.map((r) => ({ path: `/${r}` }));
