/** Anything shaped as an 18-character resident ID number (GB 11643: 17 digits and a digit or X), wherever it stands. */
export const ID_NUMBER_SHAPE = /\d{17}[\dXx]/g;

export const ID_NUMBER_CENSOR = '[id-number]';

/**
 * Every log line passes through this before it is written: whatever field a URL, path, error
 * message or body fragment ends up in, an ID number never reaches the log. Checked digits or not:
 * a mistyped ID number is still someone's.
 */
export function redactIdNumbers(line: string): string {
  return line.replace(ID_NUMBER_SHAPE, ID_NUMBER_CENSOR);
}
