import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { canonicalJson } from '../src/store/integrity.js';
import type { NewEvent } from '../src/store/port.js';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-store.js';
import { migrate } from '../src/store/sqlite/schema.js';
import { fmt, ratio, table, writeSection } from './support/benchmarks-md.js';
import { runHeader } from './support/machine.js';

const BATCH_EVENTS = Number(process.env.BENCH_STORE_EVENTS ?? 200_000);
const SINGLE_EVENTS = Number(process.env.BENCH_STORE_SINGLE ?? 60_000);
const CALLERS = 64;

/** A completion-sized event: what the ledger writes most. */
function completion(i: number): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'CompletionRecorded',
    data: {
      creditId: `p${i}-c1`,
      personId: `p${i}`,
      courseId: 'zhengzhou-inst-1-c1',
      institutionId: 'zhengzhou-inst-1',
      category: 'professional',
      completedOn: '2014-05-13',
      assessment: 'passed',
      hours: 30,
      proofNumber: String(100000001 + i).padStart(10, '0'),
      purpose: 'appointment',
      creditYear: 2014,
      recordedOn: '2014-05-15',
    },
    metadata: { actor: { role: 'institution', id: 'zhengzhou-inst-1' }, schemaVersion: 1 },
  };
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function freshDir(): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'celedger-bench-'));
  return { file: join(dir, 'events.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function singleEventAppends(): Promise<number> {
  const tmp = freshDir();
  const store = SqliteEventStore.open({ file: tmp.file });
  const perCaller = Math.ceil(SINGLE_EVENTS / CALLERS);
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CALLERS }, async (_, c) => {
      for (let i = 0; i < perCaller; i++) await store.append(`person-p${c}-${i % 50}`, [completion(i)]);
    }),
  );
  const rate = (perCaller * CALLERS) / seconds(start);
  await store.close();
  tmp.remove();
  return rate;
}

/** One caller, one append at a time: each append is its own transaction and fsync. */
async function naiveAppends(): Promise<number> {
  const tmp = freshDir();
  const store = SqliteEventStore.open({ file: tmp.file });
  const start = process.hrtime.bigint();
  let n = 0;
  while (seconds(start) < 3) await store.append(`person-p${n % 100}`, [completion(n++)]);
  const rate = n / seconds(start);
  await store.close();
  tmp.remove();
  return rate;
}

async function batchedAppends(): Promise<{ rate: number; file: string; remove: () => void }> {
  const tmp = freshDir();
  const store = SqliteEventStore.open({ file: tmp.file });
  const batches = Array.from({ length: BATCH_EVENTS / 1000 }, (_, b) => Array.from({ length: 1000 }, (_, i) => completion(b * 1000 + i)));
  const start = process.hrtime.bigint();
  for (const [b, events] of batches.entries()) await store.append(`batch-${b}`, events);
  const rate = BATCH_EVENTS / seconds(start);
  await store.close();
  return { rate, ...tmp };
}

/** The raw ceiling: the same rows into the same table and indexes, no validation, no hashing. */
export function rawBatchedInsert(): number {
  const tmp = freshDir();
  const db = new Database(tmp.file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  migrate(db);
  const insert = db.prepare(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const events = Array.from({ length: BATCH_EVENTS }, (_, i) => completion(i));
  const hash = 'a'.repeat(64);
  const writeBatch = db.transaction((b: number) => {
    for (let i = 0; i < 1000; i++) {
      const e = events[b * 1000 + i]!;
      insert.run(`batch-${b}`, i, e.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), '2014-05-15T00:00:00.000Z', hash, hash);
    }
  });
  const start = process.hrtime.bigint();
  for (let b = 0; b < BATCH_EVENTS / 1000; b++) writeBatch(b);
  const rate = BATCH_EVENTS / seconds(start);
  db.close();
  tmp.remove();
  return rate;
}

async function readAllDecoded(file: string): Promise<number> {
  const store = SqliteEventStore.open({ file });
  const start = process.hrtime.bigint();
  let n = 0;
  let check = 0;
  for await (const e of store.readAll()) {
    n++;
    check += e.data.hours as number;
  }
  const rate = n / seconds(start);
  await store.close();
  if (check === 0) throw new Error('nothing read');
  return rate;
}

/** The raw ceiling: plain SELECT of the same rows and JSON.parse of data and metadata. */
export function rawSelectParse(file: string): number {
  const db = new Database(file, { readonly: true });
  const stmt = db.prepare('SELECT position, stream_id, revision, event_id, type, data, metadata, recorded_at, prev_hash, hash FROM events ORDER BY position').raw(true);
  const start = process.hrtime.bigint();
  let n = 0;
  let check = 0;
  for (const r of stmt.iterate() as IterableIterator<unknown[]>) {
    const data = JSON.parse(r[5] as string) as { hours: number };
    JSON.parse(r[6] as string);
    check += data.hours;
    n++;
  }
  const rate = n / seconds(start);
  db.close();
  if (check === 0) throw new Error('nothing read');
  return rate;
}

export async function benchStore(): Promise<string> {
  canonicalJson({ warm: true });
  const naive = await naiveAppends();
  const grouped = await singleEventAppends();
  const rawInsert = rawBatchedInsert();
  const batched = await batchedAppends();
  const readAll = await readAllDecoded(batched.file);
  const rawRead = rawSelectParse(batched.file);
  batched.remove();

  const rows: (string | number)[][] = [
    ['single-event appends, 64 concurrent callers (group commit)', fmt(grouped), `naive fsync-per-append: ${fmt(naive)}`, `${(grouped / naive).toFixed(1)}×`, '≥ 10,000/s', grouped >= 10_000 ? 'met' : 'NOT met'],
    ['batched appends, 1,000 events per call', fmt(batched.rate), `raw batched INSERT: ${fmt(rawInsert)}`, ratio(batched.rate, rawInsert), '≥ 70%', batched.rate >= 0.7 * rawInsert ? 'met' : 'NOT met'],
    ['`$all` read + decode', fmt(readAll), `raw SELECT + JSON.parse: ${fmt(rawRead)}`, ratio(readAll, rawRead), '≥ 50%', readAll >= 0.5 * rawRead ? 'met' : 'NOT met'],
  ];
  const markdown = [
    '## Event store (SQLite adapter)',
    '',
    runHeader('npm run bench:store'),
    `- sizes: ${fmt(SINGLE_EVENTS)} single-event appends; ${fmt(BATCH_EVENTS)} events in batches of 1,000; \`$all\` read of those ${fmt(BATCH_EVENTS)}`,
    '',
    table(['what', 'events/s', 'ceiling (same run)', 'ratio', 'target', 'verdict'], rows),
    '',
    'The naive figure is the same store driven by one caller awaiting each append (one transaction and',
    'one fsync per event). The raw ceilings use better-sqlite3 directly on the same table and indexes,',
    'serialising each event with plain JSON.stringify (a writer must serialise), and skip validation,\ncanonical JSON, hashing and (for reads) building event objects.',
  ].join('\n');
  return markdown;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const markdown = await benchStore();
  writeSection('store', markdown);
  process.stdout.write(`${markdown}\n`);
}
