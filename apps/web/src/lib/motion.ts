import type { TransitionConfig } from 'svelte/transition';

function reducedMotion(): boolean {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/** A changed value eases in: a short rise and fade, once. */
export function easeIn(_node: Element): TransitionConfig {
  if (reducedMotion()) return { duration: 0 };
  return {
    duration: 350,
    css: (t) => `opacity: ${0.35 + 0.65 * t}; transform: translateY(${(1 - t) * 0.15}em)`,
  };
}

/** A status change pulses once, a ring fading out around the badge; never a loop. */
export function pulseOnce(_node: Element): TransitionConfig {
  if (reducedMotion()) return { duration: 0 };
  return {
    duration: 1200,
    css: (t) => `box-shadow: 0 0 0 ${(1 - t) * 10}px color-mix(in srgb, currentColor ${Math.round((1 - t) * 45)}%, transparent)`,
  };
}
