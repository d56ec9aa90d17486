// UTF-16 code units (the browser) <-> Unicode code points (the server). Pure, no DOM.
// Astral characters (emoji such as U+1F91D) take two code units but one code point;
// combining accents are code points of their own and need no special handling.

const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;

/** UTF-16 indices of every surrogate pair's high half, ascending. */
function pairStarts(text) {
  const out = [];
  for (let i = 0; i < text.length - 1; i++) {
    if (isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1))) {
      out.push(i);
      i++;
    }
  }
  return out;
}

/** Number of entries in the ascending array `arr` that are < x. */
function countBelow(arr, x) {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A converter for one text. `toCodePoint(u)` counts the code points before UTF-16 index u
 * (an index inside a pair counts the pair as not yet reached); `toUtf16(cp)` is its inverse.
 * Both clamp to the text.
 */
export class OffsetMap {
  constructor(text) {
    this.text = text;
    this.pairs = pairStarts(text);
    this.length16 = text.length;
    this.lengthCp = text.length - this.pairs.length;
  }

  toCodePoint(u) {
    const v = Math.max(0, Math.min(u, this.length16));
    if (this.pairs.length === 0) return v;
    // Every pair starting before v costs one unit: a complete pair is two units for one
    // code point, a split one (starting at v - 1) has not reached its code point yet.
    return v - countBelow(this.pairs, v);
  }

  toUtf16(cp) {
    const v = Math.max(0, Math.min(cp, this.lengthCp));
    if (this.pairs.length === 0) return v;
    // The k-th pair (0-based) starts at code point pairs[k] - k.
    let lo = 0;
    let hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pairs[mid] - mid < v) lo = mid + 1;
      else hi = mid;
    }
    return v + lo;
  }

  /** True when UTF-16 index u does not split a surrogate pair. */
  isBoundary(u) {
    if (u <= 0 || u >= this.length16) return true;
    return !(isHigh(this.text.charCodeAt(u - 1)) && isLow(this.text.charCodeAt(u)));
  }
}

export function utf16ToCodePoint(text, u) {
  return new OffsetMap(text).toCodePoint(u);
}

export function codePointToUtf16(text, cp) {
  return new OffsetMap(text).toUtf16(cp);
}

/** Code-point length of a string (what Python's len() says). */
export function codePointLength(text) {
  return text.length - pairStarts(text).length;
}
