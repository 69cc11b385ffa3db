// The tags of an XML document in order, each with its attributes and the text
// after it, for reading a few known elements of a workbook's parts. Not a full
// XML parser (no DTDs, no CDATA, comments read as tags): just enough for the
// parts spreadsheet programs write, and linear in the length of the input
// whatever the input is, so a hostile part costs one pass, never a
// backtracking regular expression's square.

export interface XmlTag {
  /** The local name, without a namespace prefix: `c` for `<x:c …>`. */
  name: string;
  /** `</c>`. */
  closing: boolean;
  /** `<c …/>`. */
  empty: boolean;
  /** The attributes as written (prefix kept, `r:id`), values unescaped. */
  attributes: Map<string, string>;
  /** The character data after the tag, up to the next tag, unescaped. */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

const codePoint = (n: number, whole: string): string => (Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Text written into XML: &, < and > escaped, and " too for an attribute's value. */
export const escapeXml = (s: string, attribute = false): string => s.replace(attribute ? /[<>&"]/g : /[<>&]/g, (c) => ESCAPES[c]!);

/** XML's character and entity references decoded; anything else left as written. */
export const unescapeXml = (s: string): string =>
  s.indexOf('&') < 0
    ? s
    : s.replace(/&(?:#x([0-9a-fA-F]{1,8})|#([0-9]{1,10})|(amp|lt|gt|quot|apos));/g, (whole, hex?: string, dec?: string, name?: string) =>
        hex !== undefined ? codePoint(parseInt(hex, 16), whole) : dec !== undefined ? codePoint(Number(dec), whole) : ENTITIES[name!]!,
      );

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** `name="value"` pairs of the inside of a start tag, read left to right. */
function attributesOf(inside: string, from: number): Map<string, string> {
  const out = new Map<string, string>();
  let i = from;
  while (i < inside.length) {
    while (i < inside.length && (isSpace(inside[i]) || inside[i] === '/')) i++;
    const eq = inside.indexOf('=', i);
    if (eq < 0) break;
    const name = inside.slice(i, eq).trim();
    let q = eq + 1;
    while (isSpace(inside[q])) q++;
    const quote = inside[q];
    if (quote !== '"' && quote !== "'") break;
    const close = inside.indexOf(quote, q + 1);
    if (close < 0) break;
    if (name !== '') out.set(name, unescapeXml(inside.slice(q + 1, close)));
    i = close + 1;
  }
  return out;
}

/** Every tag of `xml`, in document order. */
export function* xmlTags(xml: string): Generator<XmlTag> {
  let at = xml.indexOf('<');
  while (at >= 0) {
    const end = xml.indexOf('>', at);
    if (end < 0) return;
    const next = xml.indexOf('<', end);
    const inside = xml.slice(at + 1, end);
    const closing = inside.startsWith('/');
    let n = closing ? 1 : 0;
    while (n < inside.length && !isSpace(inside[n]) && inside[n] !== '/') n++;
    const qualified = inside.slice(closing ? 1 : 0, n);
    yield {
      name: qualified.slice(qualified.indexOf(':') + 1),
      closing,
      empty: inside.endsWith('/'),
      attributes: closing ? new Map() : attributesOf(inside, n),
      text: unescapeXml(xml.slice(end + 1, next < 0 ? xml.length : next)),
    };
    at = next;
  }
}
