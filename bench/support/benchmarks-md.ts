import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const TITLE = '# Benchmarks\n\nEvery figure is measured beside its ceiling in the same run on the same machine, because these\nmachines are noisy: the ratio is what to compare between runs.\n';

/**
 * Replaces the section between `<!-- name:begin -->` and `<!-- name:end -->` in BENCHMARKS.md (or
 * appends it), leaving every other benchmark's section as it was.
 */
export function writeSection(name: string, markdown: string, file = 'BENCHMARKS.md'): void {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : TITLE;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  const next = from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

/** A Markdown table from rows of cells. */
export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A fraction as a whole percent, rounded down: a figure shown at its target (80%) then meets it. */
export function percent(fraction: number): string {
  return `${Math.floor(100 * fraction + 1e-9)}%`;
}

export function ratio(value: number, ceiling: number): string {
  return ceiling > 0 ? percent(value / ceiling) : 'n/a';
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
