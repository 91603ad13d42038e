/**
 * Go's `%q` verb (strconv.Quote / strconv.QuoteRune), because the Go server's
 * error messages embed names with it: `no workflow registered for "x"`.
 */

const SHORT_ESCAPES: Record<number, string> = {
  7: "\\a",
  8: "\\b",
  9: "\\t",
  10: "\\n",
  11: "\\v",
  12: "\\f",
  13: "\\r",
  92: "\\\\",
};

// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function escapeRune(codePoint: number, quote: string): string {
  const char = String.fromCodePoint(codePoint);
  if (char === quote) return `\\${quote}`;
  const short = SHORT_ESCAPES[codePoint];
  if (short !== undefined) return short;
  if (PRINTABLE.test(char)) return char;
  if (codePoint < 0x80) return `\\x${codePoint.toString(16).padStart(2, "0")}`;
  if (codePoint < 0x10000) return `\\u${codePoint.toString(16).padStart(4, "0")}`;
  return `\\U${codePoint.toString(16).padStart(8, "0")}`;
}

/** `fmt.Sprintf("%q", s)` for a string. */
export function goQuote(s: string): string {
  let out = '"';
  for (const char of s) out += escapeRune(char.codePointAt(0) ?? 0, '"');
  return `${out}"`;
}

/** `fmt.Sprintf("%q", r)` for a rune (or a byte, which Go quotes as a rune). */
export function goQuoteRune(codePoint: number): string {
  return `'${escapeRune(codePoint, "'")}'`;
}
