import { createHash, randomBytes } from 'node:crypto';
import t from 'tap';
import { leafInto, nodeInto } from '../../src/tlog/sha256.js';

t.test('the tree’s SHA-256 gives node:crypto’s digest for leaves and nodes', async (t) => {
  let leaves = 0;
  let nodes = 0;
  for (let i = 0; i < 2_000; i++) {
    const src = randomBytes(110);
    const at = i % 30;
    const out = Buffer.alloc(40);
    leafInto(src, at, out, 3);
    if (out.subarray(3, 35).equals(createHash('sha256').update(Buffer.from([0])).update(src.subarray(at, at + 32)).digest())) leaves++;
    nodeInto(src, at, src, at + 40, out, 5);
    if (out.subarray(5, 37).equals(createHash('sha256').update(Buffer.from([1])).update(src.subarray(at, at + 32)).update(src.subarray(at + 40, at + 72)).digest())) nodes++;
  }
  t.equal(leaves, 2_000);
  t.equal(nodes, 2_000);
  const ff = Buffer.alloc(64, 0xff);
  const out = Buffer.alloc(32);
  nodeInto(ff, 0, ff, 32, out, 0);
  t.same(out, createHash('sha256').update(Buffer.concat([Buffer.from([1]), ff])).digest(), 'all bits set (sign bits of every word)');
});
