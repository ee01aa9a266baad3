/**
 * Where each element of a top-level JSON array lies in the text, and how deeply it nests,
 * found by one loop over the characters: no recursion, so no input can overflow the stack
 * (JSON.stringify of a 5 000-level element did). Only for text JSON.parse has accepted.
 */
export interface ElementSpan {
  start: number;
  end: number;
  /** 1 for a scalar, 2 for an object of scalars (an event), and so on. */
  depth: number;
}

/** An event is an object of scalars with one object (dims) inside: anything this deep is not one. */
export const MAX_EVENT_DEPTH = 16;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Spans of the array's elements; for a text that is not an array, one span holding the whole value. */
export function elementSpans(text: string): ElementSpan[] {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  if (text[i] !== '[') {
    let end = text.length;
    while (end > i && isSpace(text.charCodeAt(end - 1))) end--;
    return [{ start: i, end, depth: maxDepth(text, i, end) }];
  }
  const spans: ElementSpan[] = [];
  let depth = 0;
  let start = -1;
  let deepest = 0;
  let inString = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    if (depth === 1 && start === -1 && !isSpace(c) && c !== 0x2c && c !== 0x5d) {
      start = i;
      deepest = 1;
    }
    if (c === 0x5b || c === 0x7b) {
      depth++;
      // the array itself is level 1: an element's brackets start at 2, and the element counts from 1
      if (depth > deepest) deepest = depth;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
      if (depth === 0) {
        close(i);
        break;
      }
    } else if (c === 0x2c && depth === 1) close(i);
  }
  return spans;

  function close(at: number): void {
    if (start === -1) return;
    let end = at;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    spans.push({ start, end, depth: deepest });
    start = -1;
  }
}

function maxDepth(text: string, from: number, to: number): number {
  let depth = 0;
  let deepest = 1;
  let inString = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth + 1);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}
