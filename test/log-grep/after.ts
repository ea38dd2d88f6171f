// Run by tap after all test files: every log line the run wrote, checked for resident ID numbers.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskIdNumber } from '../../src/security/id-number.js';
import { idNumbersIn } from '../support/id-grep.js';
import { LOG_COLLECTION_DIR } from '../support/log-collection.js';

function main(): number {
  const dir = LOG_COLLECTION_DIR;
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.ndjson')) : [];
  let lines = 0;
  const leaks: string[] = [];
  for (const f of files) {
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line === '') return;
        lines++;
        for (const id of idNumbersIn(line)) leaks.push(`${f}:${i + 1}: ${maskIdNumber(id)}`);
      });
  }
  if (files.length > 0 && lines === 0) {
    process.stdout.write('# log grep: test processes collected no log lines; the collection is broken\n');
    return 1;
  }
  if (leaks.length > 0) {
    process.stdout.write(`# log grep: ${leaks.length} resident ID numbers in ${lines} log lines (${dir}):\n${leaks.map((l) => `#   ${l}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write(`# log grep: ${lines} log lines from ${files.length} test processes, no resident ID number\n`);
  return 0;
}

process.exitCode = main();
