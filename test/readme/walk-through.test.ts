import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { collectLogLines } from '../support/log-collection.js';
import { tempDir } from '../support/tmp.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** The shell blocks of the README's walk-through section (up to the next `## ` heading), with the README line of each of their lines. */
export function walkThrough(readme: string): { text: string; line: number }[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l === '## Walk-through');
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  const out: { text: string; line: number }[] = [];
  let inBlock = false;
  for (let i = start; i < end; i++) {
    const l = lines[i]!;
    if (l === '```sh') inBlock = true;
    else if (l === '```') inBlock = false;
    else if (inBlock) out.push({ text: l, line: i + 1 });
  }
  return out;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** Whether dist/ was built after every source file changed; the walk-through's `npm run build` builds it otherwise. */
function distIsFresh(): boolean {
  const built = join(repo, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(built)) return false;
  const at = statSync(built).mtimeMs;
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : e.name.endsWith('.ts') ? statSync(join(dir, e.name)).mtimeMs : 0), 0);
  return ['src', 'schemas', 'projections'].every((d) => newest(join(repo, d)) < at);
}

t.test('the README walk-through runs as written on a fresh data dir, certificate part included, and answers what it says', { timeout: 240_000 }, async (t) => {
  const steps = walkThrough(readFileSync(join(repo, 'README.md'), 'utf8'));
  t.ok(steps.some((s) => s.text.includes('/certificate')), 'the certificate part is in it');
  const tmp = tempDir();
  t.teardown(tmp.remove);
  // The walk-through runs from a checkout: dist/ (and node_modules/ beside it) of this one, a new ./data.
  symlinkSync(join(repo, 'dist'), join(tmp.dir, 'dist'));
  const fresh = distIsFresh();
  const prelude = [
    'shopt -s expand_aliases',
    // `npm run build` as the walk-through says, in this checkout; skipped when dist/ is already newer than every source.
    `npm() { if [ "$*" = "run build" ]; then ${fresh ? 'return 0' : `(cd ${JSON.stringify(repo)} && command npm run build >&2)`}; else command npm "$@"; fi; }`,
    'trap \'echo "@@LINE $LINENO"\' DEBUG',
  ];
  const script = [...prelude, ...steps.map((s) => s.text), 'trap - DEBUG', 'wait'].join('\n');
  const port = await freePort();
  const child = spawn('bash', ['-c', script], { cwd: tmp.dir, env: { ...process.env, LEDGER_PORT: String(port), LEDGER_DATA_DIR: '' }, detached: true });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 200_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  t.equal(code, 0, err);

  // The server's log (the walk-through sends it to ./ledger.log) goes to the run's collection, which is grepped for ID numbers.
  const log = readFileSync(join(tmp.dir, 'ledger.log'), 'utf8');
  collectLogLines(log);
  t.ok(log.includes('"request completed"'), 'the server logged its requests');

  // What each README line printed: from its marker to the next (an answer need not end its line).
  const printed = new Map<number, string>();
  const parts = out.split(/@@LINE (\d+)\n/);
  for (let i = 1; i < parts.length; i += 2) {
    const line = steps[Number(parts[i]) - prelude.length - 1]?.line ?? 0;
    printed.set(line, `${printed.get(line) ?? ''}${parts[i + 1] ?? ''}`);
  }
  const commandLines = [...printed.keys()].sort((a, b) => a - b);
  const outputBefore = (line: number) => printed.get(commandLines.filter((c) => c < line).at(-1) ?? -1) ?? '';

  // A comment under a command says what it answers: its status, and every "field":value shown in full.
  let checked = 0;
  for (const s of steps) {
    if (!s.text.startsWith('# ')) continue;
    // As a JSON reader sees it: verification answers escape what is not ASCII.
    const answer = outputBefore(s.line).replace(/\\u([0-9a-f]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    const status = /^# (\d{3})\b/.exec(s.text)?.[1];
    if (status) t.match(answer, new RegExp(`^HTTP/1\\.1 ${status} `, 'm'), `README line ${s.line}: ${status}`);
    const fields = [...s.text.matchAll(/"\w+":(?:"[^"…<]*"|-?\d+(?:\.\d+)?|true|false|null)(?=[,}\]])/g)].map((m) => m[0]);
    for (const f of fields) t.ok(answer.includes(f), `README line ${s.line}: ${f}`);
    if (status || fields.length > 0) checked++;
  }
  t.ok(checked >= 15, `${checked} answers checked against what the README says`);
});
