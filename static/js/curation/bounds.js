// Moving one boundary of a span on the curation page (drag handles and their arrow keys). Pure,
// no DOM. Offsets are UTF-16 code units; the result goes through the annotate page's own
// adjustment (textsel.js): never inside a surrogate pair, no leading or trailing whitespace,
// and whole words when the project snaps to words. Converting to code points for the server
// is the caller's (offsets.js).

import { clampToCodePoints, snapToWords, trimWhitespace } from "../annotate/textsel.js";

/**
 * [s, e] with boundary `which` ("start" | "end") of `bounds` moved to UTF-16 index `to` and
 * adjusted as a selection edge on the annotate page would be; the other boundary stays as it is.
 * The moved boundary never crosses the other one; null when nothing but whitespace would be left.
 */
export function moveBoundary(text, bounds, which, to, { snap = false } = {}) {
  const [s0, e0] = bounds;
  to = Math.max(0, Math.min(text.length, to));
  if (which === "start") {
    let s = clampToCodePoints(text, Math.min(to, e0 - 1), e0)[0];
    s = trimWhitespace(text, s, e0)[0];
    if (snap && s < e0) s = trimWhitespace(text, snapToWords(text, s, e0)[0], e0)[0];
    return s < e0 ? [s, e0] : null;
  }
  let e = clampToCodePoints(text, s0, Math.max(to, s0 + 1))[1];
  e = trimWhitespace(text, s0, e)[1];
  if (snap && s0 < e) e = trimWhitespace(text, s0, snapToWords(text, s0, e)[1])[1];
  return s0 < e ? [s0, e] : null;
}

/**
 * One step of `which` in direction `dir` (-1 | 1): the nearest position past the current one
 * that the adjustment keeps (the next character; the next word when snapping). null when the
 * boundary cannot move that way.
 */
export function stepBoundary(text, bounds, which, dir, { snap = false } = {}) {
  const at = which === "start" ? bounds[0] : bounds[1];
  for (let to = at + dir; to >= 0 && to <= text.length; to += dir) {
    const next = moveBoundary(text, bounds, which, to, { snap });
    if (!next) continue;
    const moved = which === "start" ? next[0] : next[1];
    if (dir > 0 ? moved > at : moved < at) return next;
    // Shrinking stops at the other boundary: moving further cannot help.
    if ((which === "start" && dir > 0 && to >= bounds[1]) ||
        (which === "end" && dir < 0 && to <= bounds[0])) return null;
  }
  return null;
}
