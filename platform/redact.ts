/**
 * The last line of defence for error messages and log text: anything shaped like a resident ID
 * number (15 or 18 characters, with the typing noise the portals hold) is replaced. Code should
 * never put a number into a message in the first place; this catches what a library might.
 */
const ID_NUMBER_LIKE = /[0-9０-９](?:[\s\u3000]*[0-9０-９]){13}(?:(?:[\s\u3000]*[0-9０-９]){2}[\s\u3000]*[0-9０-９XxＸｘ])?/g;

export function scrubIdNumbers(text: string): string {
  return text.replace(ID_NUMBER_LIKE, '[id-number]');
}

/** Longest quoted client value, or run of printable ASCII without a space, an error message keeps. */
export const MAX_QUOTED_CHARACTERS = 60;
/** Longest error message a client is sent. */
export const MAX_MESSAGE_CHARACTERS = 300;

const QUOTED = /"((?:[^"\\]|\\.)*)"/g;
const LONG_TOKEN = new RegExp(`[!-~]{${MAX_QUOTED_CHARACTERS + 21},}`, 'g');

/**
 * An error message as a client may see it, whatever it quotes: graphql-js and Apollo Server quote
 * the client's own input (a variable's value, an unknown field's name, a literal), which can be
 * 90 kB and was sent back whole, twice in a variable's message. Each quoted value and each long
 * unbroken run is cut to MAX_QUOTED_CHARACTERS with "…", and the message to MAX_MESSAGE_CHARACTERS.
 * The formatters of the gateway and of every subgraph apply it after scrubIdNumbers (clientMessage).
 */
export function boundMessage(text: string): string {
  const cut = (value: string) => `${value.slice(0, MAX_QUOTED_CHARACTERS)}…`;
  let bounded = text
    .replace(QUOTED, (whole, inner: string) => (inner.length > MAX_QUOTED_CHARACTERS ? `"${cut(inner)}"` : whole))
    .replace(LONG_TOKEN, cut);
  if (bounded.length > MAX_MESSAGE_CHARACTERS) bounded = `${bounded.slice(0, MAX_MESSAGE_CHARACTERS - 1)}…`;
  return bounded;
}

/** A message as a client (or the log beside it) may see it: no ID number, and bounded. */
export function clientMessage(text: string): string {
  return boundMessage(scrubIdNumbers(text));
}
