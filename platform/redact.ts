/**
 * The last line of defence for error messages and log text: anything shaped like a resident ID
 * number (15 or 18 characters, with the typing noise the portals hold) is replaced. Code should
 * never put a number into a message in the first place; this catches what a library might.
 */
const ID_NUMBER_LIKE = /[0-9０-９](?:[\s\u3000]*[0-9０-９]){13}(?:(?:[\s\u3000]*[0-9０-９]){2}[\s\u3000]*[0-9０-９XxＸｘ])?/g;

export function scrubIdNumbers(text: string): string {
  return text.replace(ID_NUMBER_LIKE, '[id-number]');
}
