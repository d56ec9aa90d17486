// Adjusting a selected UTF-16 range of the article text: trim whitespace, snap to words.
// Pure functions, no DOM. Whitespace is what Python's str.isspace() accepts, because the
// server rejects spans that start or end with it.

const SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const WORD = /[\p{L}\p{N}\p{M}\p{Pc}]/u;
const JOINER = /['’\-‐.]/; // inside a word: don't, U.S., long-term

const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;

/** The character (one code point, 1 or 2 units) ending at index i. */
function before(text, i) {
  if (i <= 0) return "";
  if (i >= 2 && isLow(text.charCodeAt(i - 1)) && isHigh(text.charCodeAt(i - 2))) {
    return text.slice(i - 2, i);
  }
  return text[i - 1];
}

/** The character (one code point) starting at index i. */
function after(text, i) {
  if (i >= text.length) return "";
  const cp = text.codePointAt(i);
  return String.fromCodePoint(cp);
}

const isWordChar = (ch) => ch !== "" && WORD.test(ch);

/** Move s back / e forward off the middle of surrogate pairs. */
export function clampToCodePoints(text, s, e) {
  if (s > 0 && isLow(text.charCodeAt(s)) && isHigh(text.charCodeAt(s - 1))) s -= 1;
  if (e < text.length && isLow(text.charCodeAt(e)) && isHigh(text.charCodeAt(e - 1))) e += 1;
  return [s, e];
}

export function trimWhitespace(text, s, e) {
  while (s < e && SPACE.test(text[s])) s++;
  while (e > s && SPACE.test(text[e - 1])) e--;
  return [s, e];
}

/** Is index i strictly inside a word (word characters, or a joiner between them)? */
function insideWord(text, i) {
  const l = before(text, i);
  const r = after(text, i);
  if (isWordChar(l) && isWordChar(r)) return true;
  if (isWordChar(l) && JOINER.test(r) && isWordChar(after(text, i + r.length))) return true;
  if (JOINER.test(l) && isWordChar(r) && isWordChar(before(text, i - l.length))) return true;
  return false;
}

/** Widen [s, e) so that it neither starts nor ends inside a word. */
export function snapToWords(text, s, e) {
  while (s > 0 && insideWord(text, s)) s -= before(text, s).length;
  while (e < text.length && insideWord(text, e)) e += after(text, e).length;
  return [s, e];
}

/** Every adjustment in order; returns null when nothing but whitespace is left. */
export function adjustSelection(text, s, e, { snap = false } = {}) {
  if (s > e) [s, e] = [e, s];
  [s, e] = clampToCodePoints(text, s, e);
  [s, e] = trimWhitespace(text, s, e);
  if (s >= e) return null;
  if (snap) {
    [s, e] = snapToWords(text, s, e);
    [s, e] = trimWhitespace(text, s, e);
  }
  return s < e ? [s, e] : null;
}
