// JSON from a user's file. Before JSON.parse, one pass over the text (no
// recursion) counts how deep arrays and objects nest and finds any number too
// large for a double, which JSON.parse would quietly turn into Infinity; a
// leading byte-order mark (Windows Notepad writes one) is skipped. Every
// problem is one line, with control characters escaped.

import { escapeControls, shorten } from './csv.ts';

import { MAX_JSON_DEPTH } from './limits.ts';

export { MAX_JSON_DEPTH };

/**
 * Parses `text`; on a problem throws `fail(message, field)`. `field` is given
 * when the problem is one value's, and the message then starts with it, the way
 * config messages name fields: `fail("lr: 1e309 is not a finite number (…)", "lr")`;
 * otherwise it is about the whole text: `fail("not valid JSON (…)")`.
 */
export function parseJson(text: string, fail: (message: string, field?: string) => Error): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const problem = scan(body);
  if (problem !== undefined) throw fail(problem.message, problem.field);
  try {
    return JSON.parse(body);
  } catch (e) {
    throw fail(`not valid JSON (${escapeControls(String((e as Error).message).split('\n')[0]!)})`);
  }
}

interface Frame {
  array: boolean;
  /** Elements before the current one, in an array. */
  index: number;
  /** The current member's key, in an object. */
  key?: string;
  expectKey: boolean;
}


/** Where a value sits, as config messages name fields: `lr`, `x[0]`, `init.params.w1`, `"a b"`. */
function pathOf(stack: Frame[]): string {
  return stack
    .map((f, i) => {
      if (f.array) return `[${f.index}]`;
      const k = f.key ?? '';
      const name = /^[A-Za-z_$][\w$]*$/.test(k) ? k : escapeControls(JSON.stringify(shorten(k, 40)));
      return i === 0 ? name : `.${name}`;
    })
    .join('');
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** The first problem the text's shape has (depth, then a number out of range), or undefined. Tolerates invalid JSON: JSON.parse reports that. */
function scan(text: string): { message: string; field?: string } | undefined {
  const stack: Frame[] = [];
  let deepest = 0;
  let overflow: { message: string; field?: string } | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 0x22) { // a string: skip to its closing quote
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      if (top && !top.array && top.expectKey) {
        const raw = text.slice(start, i + 1);
        try {
          top.key = JSON.parse(raw) as string;
        } catch {
          top.key = raw;
        }
      }
    } else if (c === 0x7b || c === 0x5b) { // { [
      stack.push({ array: c === 0x5b, index: 0, expectKey: c === 0x7b });
      deepest = Math.max(deepest, stack.length);
    } else if (c === 0x7d || c === 0x5d) { // } ]
      stack.pop();
    } else if (c === 0x2c && top) { // ,
      if (top.array) top.index++;
      else top.expectKey = true;
    } else if (c === 0x3a && top && !top.array) { // :
      top.expectKey = false;
    } else if (c === 0x2d || isDigit(c)) { // a number
      const start = i;
      while (i + 1 < text.length && /[-+.eE0-9]/.test(text[i + 1]!)) i++;
      const token = text.slice(start, i + 1);
      const value = Number(token);
      if (overflow === undefined && Number.isNaN(value) === false && !Number.isFinite(value)) {
        const path = pathOf(stack);
        const message = `${shorten(token, 24)} is not a finite number (the largest a double holds is about 1.8e308)`;
        overflow = path ? { message: `${path}: ${message}`, field: path } : { message };
      }
    }
  }
  if (deepest > MAX_JSON_DEPTH) return { message: `nested ${deepest.toLocaleString('en-US')} levels deep; at most ${MAX_JSON_DEPTH} are allowed` };
  return overflow;
}
