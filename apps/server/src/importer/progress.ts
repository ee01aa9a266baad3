/** Redraws at most this often on a terminal; a log (not a TTY) gets a line this often instead. */
const TTY_INTERVAL_MS = 100;
const LOG_INTERVAL_MS = 5_000;
const BAR_WIDTH = 30;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** Progress through a file on stderr: a bar by bytes, rows per second, and the time left. */
export class Progress {
  readonly #total: number;
  readonly #out: NodeJS.WriteStream;
  readonly #started = performance.now();
  #bytes = 0;
  #rows = 0;
  #drawnAt = -Infinity;

  constructor(totalBytes: number, out: NodeJS.WriteStream = process.stderr) {
    this.#total = Math.max(1, totalBytes);
    this.#out = out;
  }

  update(bytes: number, rows: number): void {
    this.#bytes = bytes;
    this.#rows = rows;
    const now = performance.now();
    if (now - this.#drawnAt >= (this.#out.isTTY ? TTY_INTERVAL_MS : LOG_INTERVAL_MS)) {
      this.#drawnAt = now;
      this.#draw(now);
    }
  }

  done(): void {
    this.#draw(performance.now());
    if (this.#out.isTTY) this.#out.write('\n');
  }

  #draw(now: number): void {
    const fraction = Math.min(1, this.#bytes / this.#total);
    const seconds = (now - this.#started) / 1000;
    const rate = seconds > 0 ? this.#rows / seconds : 0;
    const eta = fraction > 0 ? (seconds / fraction) * (1 - fraction) : Infinity;
    const filled = Math.round(fraction * BAR_WIDTH);
    const text = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${(fraction * 100).toFixed(1)}%  ${this.#rows} rows  ${Math.round(rate)} rows/s  ETA ${duration(eta)}`;
    this.#out.write(this.#out.isTTY ? `\r${text}\x1b[K` : `${text}\n`);
  }
}
