import { createHash } from 'node:crypto';
import t from 'tap';
import { hashLeafTile, INTERIOR_BYTES } from '../../src/tlog/tile-hash.js';
import { TileHasher } from '../../src/tlog/tile-hasher.js';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

t.test('tiles hashed on the second thread and on the caller’s come back in order, each the RFC 9162 subtree', async (t) => {
  const hasher = new TileHasher(16);
  t.teardown(() => hasher.close());
  const TILES = 40;
  const entries = Buffer.concat(Array.from({ length: TILES * 256 }, (_, i) => sha(Buffer.from(`entry ${i}`))));
  // The first 32 tiles (two batches) go before the thread has had time to start, the rest after.
  for (let i = 0; i < 32; i++) hasher.submit(entries, i * 256 * 32);
  const until = Date.now() + 20_000;
  while (hasher.waiting > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  for (let i = 32; i < TILES; i++) hasher.submit(entries, i * 256 * 32);
  const got: Buffer[] = [];
  hasher.drain((tile) => got.push(Buffer.from(tile)));
  t.equal(got.length, TILES, 'every tile, once');
  t.ok(hasher.hashed.thread >= 1, `the second thread hashed ${hasher.hashed.thread} of the batches`);
  t.ok(hasher.hashed.here >= 1, 'the caller hashed the batch still filling');
  for (const i of [0, 17, 39]) {
    const leaves = Array.from({ length: 256 }, (_, j) => sha(Buffer.from([0]), entries.subarray((i * 256 + j) * 32, (i * 256 + j + 1) * 32)));
    let row = leaves;
    while (row.length > 1) row = Array.from({ length: row.length / 2 }, (_, j) => sha(Buffer.from([1]), row[2 * j]!, row[2 * j + 1]!));
    t.same(got[i]!.subarray(0, 256 * 32), Buffer.concat(leaves), `tile ${i}: the leaf hashes`);
    t.same(got[i]!.subarray(INTERIOR_BYTES - 32), row[0], `tile ${i}: its root last`);
    const here = Buffer.alloc(INTERIOR_BYTES);
    hashLeafTile(entries, i * 256 * 32, here, 0);
    t.same(got[i], here, `tile ${i}: the same interior as hashed on this thread`);
  }
});
