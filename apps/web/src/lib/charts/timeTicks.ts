/** Labels for the time axis: a day always reads as a date ("6 Dec"), never as a bare "6" or "Dec". */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * The label of a tick at `ts` on an axis spanning `spanMs` (browser time zone, as the chart draws):
 * up to two days, times ("14:00") and the date at midnight ("6 Dec"); up to a year and a bit,
 * dates ("6 Dec", with the time when a tick is not at midnight); longer, month and year ("Dec 2026").
 */
export function timeTickLabel(ts: number, spanMs: number): string {
  const d = new Date(ts);
  const date = `${d.getDate()} ${MONTHS[d.getMonth()]}`;
  const midnight = d.getHours() === 0 && d.getMinutes() === 0;
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  if (spanMs > 400 * DAY_MS) return `${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
  if (spanMs <= 2 * DAY_MS) return midnight ? date : time;
  return midnight ? date : `${date} ${time}`;
}
