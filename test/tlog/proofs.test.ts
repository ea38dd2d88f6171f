import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { TransparencyLog } from '../../src/tlog/log.js';
import { NoteSigner } from '../../src/tlog/note.js';
import { tempDir } from '../support/tmp.js';

/*
 * An independent verifier, written here from RFC 9162 §2.1 and not from the code under test: MTH by
 * its recursive definition over the entries, and proofs checked by walking the same recursion the
 * RFC defines them by (PATH and SUBPROOF), consuming the proof from its end.
 */
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);

/** MTH(D[start:end]) of one array of entries, remembered by range (the tests ask for many overlapping trees). */
const memo = new WeakMap<Buffer[], Map<string, Buffer>>();
function mthRange(all: Buffer[], start: number, end: number): Buffer {
  let cache = memo.get(all);
  if (!cache) memo.set(all, (cache = new Map()));
  const key = `${start}:${end}`;
  let h = cache.get(key);
  if (h) return h;
  const n = end - start;
  if (n === 0) h = sha();
  else if (n === 1) h = sha(LEAF, all[start]!);
  else h = sha(NODE, mthRange(all, start, start + k(n)), mthRange(all, start + k(n), end));
  cache.set(key, h);
  return h;
}
let ENTRIES: Buffer[] = [];
/** MTH of the first `leaves.length` entries of ENTRIES (every tree here is a prefix of it). */
const mth = (leaves: Buffer[]) => mthRange(ENTRIES, 0, leaves.length);

/** The root PATH(m, D[n]) gives with the leaf hash, or undefined if the proof has the wrong length. */
function rootFromPath(m: number, n: number, leaf: Buffer, proof: Buffer[]): Buffer | undefined {
  const rest = [...proof];
  const walk = (mm: number, nn: number): Buffer | undefined => {
    if (nn === 1) return leaf;
    const split = k(nn);
    const sibling = rest.pop();
    if (!sibling) return undefined;
    if (mm < split) {
      const left = walk(mm, split);
      return left && sha(NODE, left, sibling);
    }
    const right = walk(mm - split, nn - split);
    return right && sha(NODE, sibling, right);
  };
  const root = walk(m, n);
  return rest.length === 0 ? root : undefined;
}

/** Both roots SUBPROOF(m, D[n], true) gives, where the old tree's root is known to the verifier. */
function rootsFromConsistency(m: number, n: number, oldRoot: Buffer, proof: Buffer[]): [Buffer, Buffer] | undefined {
  const rest = [...proof];
  const walk = (mm: number, nn: number, whole: boolean): [Buffer, Buffer] | undefined => {
    if (mm === nn) {
      if (whole) return [oldRoot, oldRoot];
      const h = rest.pop();
      return h && [h, h];
    }
    const split = k(nn);
    const sibling = rest.pop();
    if (!sibling) return undefined;
    if (mm <= split) {
      const inner = walk(mm, split, whole);
      // The old tree lies wholly in the left subtree: its root is the left's.
      return inner && [inner[0], sha(NODE, inner[1], sibling)];
    }
    const inner = walk(mm - split, nn - split, false);
    return inner && [sha(NODE, sibling, inner[0]), sha(NODE, sibling, inner[1])];
  };
  const roots = walk(m, n, true);
  return rest.length === 0 ? roots : undefined;
}

const random = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const entry = (i: number) => createHash('sha256').update(`event ${i}`).digest();
const signer = NoteSigner.fromPem('test.celedger.local/log', NoteSigner.generatePem());

function openLog(dir: string) {
  return TransparencyLog.open({ file: join(dir, 'tlog.db'), signer });
}

t.test('every tree size 1..300: roots, inclusion of leaves, consistency of random pairs', async (t) => {
  const { dir, remove } = tempDir();
  t.teardown(remove);
  const log = openLog(dir);
  const entries: Buffer[] = (ENTRIES = []);
  const rnd = random(19);
  let checked = 0;
  for (let n = 1; n <= 300; n++) {
    entries.push(entry(n - 1));
    log.append({ position: BigInt(n * 3), streamId: `s-${n % 7}`, revision: BigInt(Math.floor(n / 7)), hash: entries[n - 1]!.toString('hex') });
    if (n % 50 === 0) log.commit();
    const leaves = entries.slice(0, n);
    const root = mth(leaves);
    if (!log.root(n).equals(root)) t.fail(`root at ${n}`);
    const indices = n <= 40 ? leaves.map((_, i) => i) : [0, n - 1, ...Array.from({ length: 12 }, () => Math.floor(rnd() * n))];
    for (const m of indices) {
      const got = rootFromPath(m, n, sha(LEAF, leaves[m]!), log.inclusionProof(m, n));
      if (!got?.equals(root)) t.fail(`inclusion of ${m} in ${n}`);
      checked++;
    }
    const pairs = [n, ...Array.from({ length: 8 }, () => 1 + Math.floor(rnd() * n))];
    for (const m of pairs) {
      const roots = rootsFromConsistency(m, n, mth(leaves.slice(0, m)), log.consistencyProof(m, n));
      if (!roots || !roots[0].equals(mth(leaves.slice(0, m))) || !roots[1].equals(root)) t.fail(`consistency ${m} → ${n}`);
      checked++;
    }
  }
  t.equal(checked, 40 * 41 / 2 + 260 * 14 + 300 * 9, 'every proof was checked');
  // A wrong leaf, index or root fails the independent check.
  t.notOk(rootFromPath(5, 300, sha(LEAF, entries[6]!), log.inclusionProof(5, 300))?.equals(mth(entries)), 'another leaf does not verify');
  t.notOk(rootsFromConsistency(100, 300, mth(entries.slice(0, 99)), log.consistencyProof(100, 300))?.[0].equals(mth(entries.slice(0, 99))), 'another old root does not verify');
  log.close();

  const reopened = openLog(dir);
  t.equal(reopened.size, 300, 'the tree is persisted');
  t.same(reopened.root(300), mth(entries), 'and its root with it');
  t.same(rootFromPath(299, 300, sha(LEAF, entries[299]!), reopened.inclusionProof(299, 300)), mth(entries), 'proofs after a restart, from the stored tiles');
  t.equal(reopened.leafIndexOf(300n), 99, 'positions map to leaf indices');
  t.equal(reopened.leafIndexOf(301n), undefined, 'a position the log does not hold has no leaf');
  reopened.close();
});

t.test('past one tile level: 70,000 leaves, proofs at random sizes, across a restart', async (t) => {
  const { dir, remove } = tempDir();
  t.teardown(remove);
  let log = openLog(dir);
  const entries: Buffer[] = (ENTRIES = []);
  for (let i = 0; i < 70_000; i++) {
    entries.push(entry(i));
    log.append({ position: BigInt(i + 1), streamId: 's', revision: BigInt(i), hash: entries[i]!.toString('hex') });
    if (i === 40_000) {
      log.close();
      log = openLog(dir);
    }
  }
  log.commit();
  const rnd = random(7);
  for (const n of [65_536, 65_537, 66_000, 70_000, 1 + Math.floor(rnd() * 70_000)]) {
    const leaves = entries.slice(0, n);
    const root = mth(leaves);
    t.same(log.root(n), root, `root at ${n}`);
    for (const m of [0, n - 1, Math.floor(rnd() * n)]) t.same(rootFromPath(m, n, sha(LEAF, leaves[m]!), log.inclusionProof(m, n)), root, `inclusion of ${m} in ${n}`);
    const m = 1 + Math.floor(rnd() * (n - 1));
    const roots = rootsFromConsistency(m, n, mth(leaves.slice(0, m)), log.consistencyProof(m, n));
    t.same(roots?.[1], root, `consistency ${m} → ${n}`);
  }
  log.close();
});

for (const [what, mode] of [
  ['a bulk fold', { bulk: true }],
  ['a server', { hashThread: true }],
] as const) {
  t.test(`${what} hashing whole tiles on a second thread gives the same tree, read at any point`, async (t) => {
    const { dir, remove } = tempDir();
    t.teardown(remove);
    const open = () => TransparencyLog.open({ file: join(dir, 'tlog.db'), signer, ...mode });
    let log = open();
    const entries: Buffer[] = (ENTRIES = []);
    const rnd = random(11);
    // Reads mid-tile, on a tile's edge and past several batches of tiles; commits mid-tile; a restart in between.
    const readAt = new Set([1, 255, 256, 300, 4_095, 4_097, 9_000, 20_000, 33_333, 50_000]);
    for (let i = 0; i < 50_000; i++) {
      entries.push(entry(i));
      log.append({ position: BigInt(i + 1), streamId: 's', revision: BigInt(i), hash: entries[i]!.toString('hex') });
      const n = i + 1;
      // A server commits every 200 ms, mostly mid-tile.
      if (n === 12_000 || n % 7_001 === 0) log.commit();
      if (!readAt.has(n)) continue;
      const root = mthRange(entries, 0, n);
      t.same(log.root(n), root, `root at ${n}`);
      const m = Math.floor(rnd() * n);
      t.same(rootFromPath(m, n, sha(LEAF, entries[m]!), log.inclusionProof(m, n)), root, `inclusion of ${m} in ${n}`);
      if (n === 20_000) {
        log.close();
        log = open();
      }
    }
    const leaves = (from: number, to: number) => Buffer.concat(entries.slice(from, to).map((e) => sha(LEAF, e)));
    t.same(log.tile(0, 100, 256), leaves(100 * 256, 101 * 256), 'a full level-0 tile holds the leaf hashes');
    t.same(log.tile(0, 195, 80), leaves(195 * 256, 50_000), 'and the partial one');
    t.same(log.tile(1, 0, 195), Buffer.concat(Array.from({ length: 195 }, (_, j) => mthRange(entries, j * 256, (j + 1) * 256))), 'a level-1 tile holds the roots of the tiles below');
    const roots = rootsFromConsistency(4_097, 50_000, mthRange(entries, 0, 4_097), log.consistencyProof(4_097, 50_000));
    t.same(roots?.[1], mthRange(entries, 0, 50_000), 'consistency from a size read mid-fold');
    log.close();
    const reopened = TransparencyLog.open({ file: join(dir, 'tlog.db'), signer });
    t.equal(reopened.size, 50_000, 'every leaf was committed on close');
    t.same(reopened.root(50_000), mthRange(entries, 0, 50_000), 'with the root');
    reopened.close();
  });
}

t.test('a log file of v1 (full tiles of 256 hashes alone) gives the same proofs, read as it is and once upgraded at start', async (t) => {
  const { dir, remove } = tempDir();
  t.teardown(remove);
  const file = join(dir, 'tlog.db');
  let log = openLog(dir);
  const entries: Buffer[] = (ENTRIES = []);
  for (let i = 0; i < 70_000; i++) {
    entries.push(entry(i));
    log.append({ position: BigInt(i + 1), streamId: 's', revision: BigInt(i), hash: entries[i]!.toString('hex') });
  }
  log.close();
  // As v1 wrote it: every full tile cut to its 256 hashes.
  const db = new Database(file);
  const full = db.prepare('SELECT count(*) FROM tiles WHERE length(hashes) > 8192').pluck().get() as number;
  t.equal(full, 273 + 1, 'v2 keeps interior rows in every full tile (273 of level 0, 1 of level 1)');
  db.exec('UPDATE tiles SET hashes = substr(hashes, 1, 8192) WHERE length(hashes) > 8192');
  db.pragma('user_version = 1');
  db.close();
  const check = (l: TransparencyLog, what: string) => {
    const rnd = random(3);
    for (const n of [70_000, 65_536, 1 + Math.floor(rnd() * 70_000)]) {
      const root = mthRange(entries, 0, n);
      const m = Math.floor(rnd() * n);
      t.same(rootFromPath(m, n, sha(LEAF, entries[m]!), l.inclusionProof(m, n)), root, `${what}: inclusion of ${m} in ${n}`);
    }
    t.same(l.tile(0, 7, 256), Buffer.concat(entries.slice(7 * 256, 8 * 256).map((e) => sha(LEAF, e))), `${what}: a full tile is served as its 256 leaf hashes`);
  };
  const readonly = TransparencyLog.open({ file, signer, readonly: true });
  check(readonly, 'v1 read as it is');
  readonly.close();
  const untouched = new Database(file, { readonly: true });
  t.equal(untouched.pragma('user_version', { simple: true }), 1, 'a read-only open leaves the file at v1');
  untouched.close();
  log = openLog(dir);
  check(log, 'upgraded');
  log.close();
  const after = new Database(file, { readonly: true });
  t.equal(after.pragma('user_version', { simple: true }), 3, 'the file is at v3');
  t.equal(after.prepare('SELECT count(*) FROM tiles WHERE length(hashes) = 8192').pluck().get(), 0, 'with every full tile upgraded');
  after.close();
});

t.test('entry rows of v2 (streams as [id, revision] tuples) are read as they are, read-only and once upgraded, and the rows after them in v3', async (t) => {
  const { dir, remove } = tempDir();
  t.teardown(remove);
  const file = join(dir, 'tlog.db');
  const entries: Buffer[] = (ENTRIES = []);
  const at = (i: number) => ({ position: BigInt(3 * i + 7), streamId: i % 3 === 0 ? `person-p${i}` : `course-c${i % 11}.x:y_z`, revision: BigInt(2 ** 40 + i), hash: entries[i]!.toString('hex') });
  let log = openLog(dir);
  for (let i = 0; i < 600; i++) {
    entries.push(entry(i));
    log.append(at(i));
  }
  log.close();
  // As v2 wrote the rows (two full tiles and a partial one): no revisions column.
  const db = new Database(file);
  const rows = db.prepare('SELECT tile, streams, revisions FROM entries').raw(true).all() as [number, string, Buffer][];
  t.equal(rows.length, 3, 'two full entry rows and a partial one');
  const put = db.prepare('UPDATE entries SET streams = ? WHERE tile = ?');
  for (const [tile, streams, revisions] of rows) put.run(JSON.stringify((JSON.parse(streams) as string[]).map((id, i) => [id, Number(revisions.readBigInt64BE(i * 8))])), tile);
  db.exec('ALTER TABLE entries DROP COLUMN revisions');
  db.pragma('user_version = 2');
  db.close();
  const same = (l: TransparencyLog, n: number, what: string) => {
    for (const i of [0, 255, 256, 511, 512, n - 1]) t.same(l.entry(i), at(i), `${what}: entry ${i}`);
    t.same([...l.entries()].map(({ index: _index, ...e }) => e), Array.from({ length: n }, (_, i) => at(i)), `${what}: every entry in order`);
    t.equal(l.leafIndexOf(at(n - 1).position), n - 1, `${what}: the last leaf found by its position`);
    t.same(l.root(n), mthRange(entries, 0, n), `${what}: the root`);
  };
  const readonly = TransparencyLog.open({ file, signer, readonly: true });
  same(readonly, 600, 'v2 read as it is');
  readonly.close();
  log = openLog(dir);
  same(log, 600, 'upgraded');
  for (let i = 600; i < 900; i++) {
    entries.push(entry(i));
    log.append(at(i));
  }
  log.close();
  log = openLog(dir);
  same(log, 900, 'appended to after the upgrade, the partial v2 row rewritten');
  log.close();
  const after = new Database(file, { readonly: true });
  t.equal(after.pragma('user_version', { simple: true }), 3, 'the file is at v3');
  t.same(after.prepare('SELECT tile FROM entries WHERE revisions IS NULL').pluck().all(), [0, 1], 'the full v2 rows stay as they were');
  after.close();
});
