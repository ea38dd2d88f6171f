import fc from 'fast-check';
import t from 'tap';
import { parseQueryString } from '../../src/http/query-string.js';

/** What the WHATWG form-urlencoded parser gives, with repeated keys gathered as Fastify does. */
function reference(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [k, v] of new URLSearchParams(query)) {
    const seen = out[k];
    out[k] = seen === undefined ? v : typeof seen === 'string' ? [seen, v] : [...seen, v];
  }
  return out;
}

t.test('a verifier query: the URL-encoded name decoded, the digest as sent', async (t) => {
  const digest = 'a'.repeat(64);
  t.same({ ...parseQueryString(`holder=${encodeURIComponent('欧阳 修')}&digest=${digest}`) }, { holder: '欧阳 修', digest });
  t.same({ ...parseQueryString('holder=%E5%BC%A0+%E4%B8%89') }, { holder: '张 三' }, '+ is a space');
  t.same({ ...parseQueryString('holder=%2B86') }, { holder: '+86' }, 'an escaped + is a plus');
});

t.test('repeated keys, empty values and segments, malformed escapes', async (t) => {
  t.same({ ...parseQueryString('a=1&a=2&a=3') }, { a: ['1', '2', '3'] });
  t.same({ ...parseQueryString('a&b=&&c=x=y') }, { a: '', b: '', c: 'x=y' });
  t.same({ ...parseQueryString('a=%ZZ&b=%E5%BC&c=100%') }, { a: '%ZZ', b: '\ufffd', c: '100%' }, 'not hex stays, bytes that are not UTF-8 become U+FFFD');
  t.same({ ...parseQueryString('a=%E5%BC%A0%ZZ') }, { a: '张%ZZ' }, 'the valid escapes of a malformed value still decode');
  t.same({ ...parseQueryString('') }, {});
});

t.test('__proto__ and constructor are plain keys: no prototype to pollute', async (t) => {
  const q = parseQueryString('__proto__=x&constructor=y&toString=z&constructor=w');
  t.equal(Object.getPrototypeOf(Object.getPrototypeOf(q)), null, 'nothing from Object.prototype');
  t.same(Object.entries(q), [['__proto__', 'x'], ['constructor', ['y', 'w']], ['toString', 'z']]);
  t.equal(({} as Record<string, unknown>)['x'], undefined);
});

t.test('the same names and values as URLSearchParams for any ASCII query', async (t) => {
  const part = fc.constantFrom('a', 'b', '=', '&', '+', '%', '2', 'B', 'e', 'Z', '%41', '%e5', '%E5%BC%A0', '%ED%A0%80', '%F0%9F%98%80', '%C0%80', '%2', '__proto__');
  const same = (query: string) => JSON.stringify(Object.entries(parseQueryString(query))) === JSON.stringify(Object.entries(reference(query)));
  t.doesNotThrow(() => fc.assert(fc.property(fc.array(part, { maxLength: 14 }).map((p) => p.join('')), same), { numRuns: 3000 }));
});
