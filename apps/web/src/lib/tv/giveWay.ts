/**
 * A TV tile's height is fixed by its cell, so a tile with more to say than usual (its
 * objective's name on two lines, a pending alert, the expected-by-now and projection lines of a
 * paced target) would push its freshness out of the bottom, where the cell cuts it. Rather than
 * cut what a room must read, the tile lets go of its least needed lines, in this order, one at a
 * time until the rest fits: the objective it serves (the board names the room), the
 * projection, the expected-by-now line, the trend (on a short tile it wraps onto a line of its
 * own), a pending alert's note (not yet firing; the status and frame still say at risk), and
 * last, on a tile whose alert fires, the "ALERT" mark above its note: "alert firing: Revenue
 * will miss today's target" and the tile's frame already say it (the mark stays when there is
 * no such note, or beside an anomaly badge). The firing note itself never gives way: it is
 * what the room must read. Name, status, value, target and freshness are never let go either.
 * Each entry is the class of the line in KpiTile or TileTarget ('mark': KpiTile's .marks).
 */
export const GIVE_WAY_ORDER = ['via', 'projection', 'expected', 'trend', 'pending', 'mark'] as const;
export type GiveWayLine = (typeof GIVE_WAY_ORDER)[number];

/**
 * The fewest lines to hide so the tile fits: `overflows(hidden)` says whether the tile is still
 * taller than its cell with `hidden` hidden. Hides everything in the order when nothing fits.
 */
export function linesToHide(overflows: (hidden: readonly GiveWayLine[]) => boolean): GiveWayLine[] {
  for (let n = 0; n < GIVE_WAY_ORDER.length; n += 1) {
    const hidden = GIVE_WAY_ORDER.slice(0, n);
    if (!overflows(hidden)) return hidden;
  }
  return [...GIVE_WAY_ORDER];
}

/** Sets the lines `cell` hides (`data-give-way`, a space-separated list the TV's style reads). */
function hide(cell: HTMLElement, lines: readonly GiveWayLine[]): void {
  const value = lines.join(' ');
  if (cell.dataset.giveWay !== value) cell.dataset.giveWay = value;
}

/**
 * Svelte action on a TV cell holding one tile: re-fits when the cell is resized or a line of the
 * tile appears, disappears or changes height (a pending alert that starts, a name that wraps).
 * Fitting is done once per animation frame, and its trial states are never painted.
 */
export function giveWay(cell: HTMLElement): { destroy(): void } {
  let frame = 0;
  const fit = () => {
    frame = 0;
    const tile = cell.firstElementChild;
    if (!(tile instanceof HTMLElement)) return;
    const lines = linesToHide((hidden) => {
      hide(cell, hidden);
      return tile.scrollHeight > tile.clientHeight + 1;
    });
    hide(cell, lines);
  };
  const schedule = () => {
    if (frame === 0) frame = requestAnimationFrame(fit);
  };
  const sizes = new ResizeObserver(schedule);
  /** Watches the cell, its tile and each line of the tile: a line's height is what can push the freshness out. */
  const watch = () => {
    sizes.disconnect();
    sizes.observe(cell);
    const tile = cell.firstElementChild;
    if (tile) for (const line of [tile, ...tile.children]) sizes.observe(line);
    schedule();
  };
  const lines = new MutationObserver(watch);
  // the tile's own children only: a line shown or hidden; a changing number inside one is not a new line
  lines.observe(cell, { childList: true });
  if (cell.firstElementChild) lines.observe(cell.firstElementChild, { childList: true });
  watch();
  return {
    destroy() {
      if (frame !== 0) cancelAnimationFrame(frame);
      sizes.disconnect();
      lines.disconnect();
    },
  };
}
