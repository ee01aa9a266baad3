import { wallClockFormat, wallOffsetAt } from '@northstar/shared';

/** Local calendar position of an instant: weekday 0 = Monday … 6 = Sunday (ISO), hour 0–23, minute 0–59. */
export interface LocalTime {
  weekday: number;
  hour: number;
  minute: number;
}

/**
 * Every UTC-offset change in the tz database happens on a quarter hour of UTC, so the
 * offset is constant within a 15-minute slot and can be cached per slot.
 */
const OFFSET_SLOT_MS = 15 * 60_000;
const SLOTS_PER_DAY = 86_400_000 / OFFSET_SLOT_MS;
/** The per-slot cache is dropped past this size: the day-long span (below) answers almost every lookup, so it stays small. */
const OFFSET_CACHE_MAX = 256;

/**
 * Local wall-clock time in an IANA timezone, DST-aware through Intl (the ICU tz data
 * Node ships with). Intl is slow per call, so the UTC offset is cached per 15-minute slot.
 */
export class LocalCalendar {
  readonly timezone: string;
  readonly #format: Intl.DateTimeFormat;
  readonly #offsets = new Map<number, number>();
  /** A span of slots [from, to) known to share one offset, so a run of points costs one Intl call per day, not one per slot. */
  #span = { from: 0, to: 0, offset: 0 };

  /** Throws a RangeError for an unknown timezone. */
  constructor(timezone: string) {
    this.timezone = timezone;
    this.#format = wallClockFormat(timezone);
  }

  /** Local time minus UTC at `ts`, in ms (+3 600 000 for Berlin in winter). */
  offsetMs(ts: number): number {
    const slot = Math.floor(ts / OFFSET_SLOT_MS);
    if (slot >= this.#span.from && slot < this.#span.to) return this.#span.offset;
    const offset = this.#slotOffset(slot);
    // no zone changes its offset twice within a day: equal offsets a day apart hold for the whole day
    let to = slot + SLOTS_PER_DAY;
    if (this.#slotOffset(to) !== offset) {
      let lo = slot;
      while (to - lo > 1) {
        const mid = (lo + to) >>> 1;
        if (this.#slotOffset(mid) === offset) lo = mid;
        else to = mid;
      }
    }
    this.#span = { from: slot, to, offset };
    return offset;
  }

  #slotOffset(slot: number): number {
    const cached = this.#offsets.get(slot);
    if (cached !== undefined) return cached;
    const offset = wallOffsetAt(this.#format, slot * OFFSET_SLOT_MS);
    if (this.#offsets.size >= OFFSET_CACHE_MAX) this.#offsets.clear();
    this.#offsets.set(slot, offset);
    return offset;
  }

  local(ts: number): LocalTime {
    const d = new Date(ts + this.offsetMs(ts));
    return { weekday: (d.getUTCDay() + 6) % 7, hour: d.getUTCHours(), minute: d.getUTCMinutes() };
  }
}
