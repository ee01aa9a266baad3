import type { AlertSeverity } from '@northstar/shared';

/** A short notice over the wall for a newly firing alert. */
export interface Toast {
  /** Unique per toast (an alert can fire again later and get a new one). */
  id: number;
  alertKey: string;
  severity: AlertSeverity;
  text: string;
}

/** At most this many stacked; older ones make room. */
export const MAX_TOASTS = 3;
/** Long enough to read from across the room; the panel keeps the alert after it goes. */
export const TOAST_MS = 10_000;

/** Adds a toast on top; an older toast for the same alert is replaced, and the oldest beyond `max` dropped. */
export function pushToast(toasts: readonly Toast[], toast: Toast, max: number = MAX_TOASTS): Toast[] {
  const rest = toasts.filter((t) => t.alertKey !== toast.alertKey);
  return [toast, ...rest].slice(0, Math.max(0, max));
}

export function dismissToast(toasts: readonly Toast[], id: number): Toast[] {
  return toasts.filter((t) => t.id !== id);
}
