import { isValidIdNumber } from '../../src/security/id-number.js';

/** Every valid 18-character ID number inside a line, also inside a longer run of digits. */
export function idNumbersIn(line: string): string[] {
  const found: string[] = [];
  for (const run of line.match(/[\dXx]{18,}/g) ?? []) {
    for (let i = 0; i + 18 <= run.length; i++) {
      const candidate = run.slice(i, i + 18);
      if (isValidIdNumber(candidate)) found.push(candidate);
    }
  }
  return found;
}
