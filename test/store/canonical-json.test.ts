import canonicalize from 'canonicalize';
import fc from 'fast-check';
import t from 'tap';
import { canonicalJson } from '../../src/store/integrity.js';
import type { Json } from '../../src/store/port.js';

t.test('canonicalJson agrees with the RFC 8785 reference implementation', async (t) => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => canonicalJson(v as Json) === canonicalize(v)),
    { numRuns: 500 },
  );
  t.pass('500 random JSON values serialised identically');
});

t.test('key order does not change the canonical form', async (t) => {
  t.equal(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null } }), '{"a":{"c":null,"d":[1,"x"]},"b":1}');
  t.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
  t.equal(canonicalJson({ 学时: 20, hours: 1e21, x: -0 }), '{"hours":1e+21,"x":0,"学时":20}');
});

t.test('values that are not JSON are refused', async (t) => {
  t.throws(() => canonicalJson(Number.NaN as Json), TypeError);
  t.throws(() => canonicalJson({ a: Infinity } as Json), TypeError);
});
