import type { TransitionConfig } from 'svelte/transition';

function reducedMotion(): boolean {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/**
 * A changed value eases in with a short rise and fade. Values can change 4 times a second;
 * easing every change would keep the figure permanently half-faded, so each returned
 * transition animates at most once per `minGapMs` and swaps the text instantly in between.
 */
export function easeInThrottled(minGapMs: number): (node: Element) => TransitionConfig {
  let lastAt = Number.NEGATIVE_INFINITY;
  return () => {
    const at = performance.now();
    if (reducedMotion() || at - lastAt < minGapMs) return { duration: 0 };
    lastAt = at;
    return {
      duration: 300,
      css: (t) => `opacity: ${0.5 + 0.5 * t}; transform: translateY(${(1 - t) * 0.12}em)`,
    };
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
