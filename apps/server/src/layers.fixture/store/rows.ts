/** A store module with no imports: what everything above may read. */
export const ROWS = ['a', 'b'];
