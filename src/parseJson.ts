// JSON from a user's file, with a syntax error as one line (the parser's first line).

/** Parses `text`; on a syntax error throws `fail("not valid JSON (…)")`. */
export function parseJson(text: string, fail: (message: string) => Error): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw fail(`not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}
