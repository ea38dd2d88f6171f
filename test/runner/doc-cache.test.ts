import t from 'tap';
import { DocCache } from '../../src/runner/doc-cache.js';

t.test('past its limit, the cache lets go of the documents it need not keep, and keeps the others', async (t) => {
  const pending = new Set(['a', 'c']);
  const cache = new DocCache(3, (key) => pending.has(key));
  cache.set('a', 1);
  cache.set('b', 2);
  cache.set('c', 3);
  t.equal(cache.size, 3);
  cache.set('b', 20);
  t.equal(cache.size, 3, 'a key it holds is replaced, nothing swept');
  cache.set('d', 4);
  t.same([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d')], [1, undefined, 3, 4], 'b was let go; the kept ones and the new one are there');
  cache.clear();
  t.equal(cache.size, 0);
  t.equal(cache.get('a'), undefined);
});

t.test('a batch writing far more documents than the limit costs sweeps in proportion to them, not to their square', async (t) => {
  let asked = 0;
  const cache = new DocCache(100, () => {
    asked++;
    return true;
  });
  for (let i = 0; i < 100_000; i++) cache.set(`k${i}`, i);
  t.equal(cache.size, 100_000, 'every document of the batch is kept until it is committed');
  t.ok(asked <= 200_000, `${asked} keys looked at for 100,000 documents`);
  t.equal(cache.get('k0'), 0);
  t.equal(cache.get('k99999'), 99_999);
});

t.test('once the documents are committed, the next sweep brings the cache back under its limit', async (t) => {
  let keep = true;
  const cache = new DocCache(10, () => keep);
  for (let i = 0; i < 1_000; i++) cache.set(`k${i}`, i);
  keep = false;
  for (let i = 0; i < 1_000; i++) cache.set(`n${i}`, i);
  t.ok(cache.size <= 10, `${cache.size} documents held once the batch was committed`);
  for (let i = 0; i < 100; i++) cache.set(`m${i}`, i);
  t.ok(cache.size <= 10, `${cache.size} documents held later on`);
});
