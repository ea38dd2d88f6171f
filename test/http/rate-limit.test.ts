import t from 'tap';
import { FixedWindowLimiter, clientKey } from '../../src/http/rate-limit.js';
import { testApp } from '../support/app.js';

t.test('a client gets max requests per window, then a wait until the window turns', async (t) => {
  let now = 1_000_000;
  const limiter = new FixedWindowLimiter({ max: 3, windowMs: 60_000, now: () => now });
  t.same([1, 2, 3].map(() => limiter.hit('10.0.0.1').allowed), [true, true, true]);
  now += 15_000;
  t.same(limiter.hit('10.0.0.1'), { allowed: false, retryAfterSeconds: 45 });
  t.same(limiter.hit('10.0.0.2'), { allowed: true }, 'another client has its own count');
  now += 45_000;
  t.same(limiter.hit('10.0.0.1'), { allowed: true }, 'a new window starts from zero');
  now += 59_999;
  t.same(limiter.hit('10.0.0.1'), { allowed: true });
  t.same(limiter.hit('10.0.0.1'), { allowed: true });
  t.same(limiter.hit('10.0.0.1'), { allowed: false, retryAfterSeconds: 1 }, 'never less than a second');
});

t.test('past the bound on exact counts, 200,000 distinct clients in one window: memory stays bounded, a first-time client is allowed, a flooder is still held', async (t) => {
  const limiter = new FixedWindowLimiter({ max: 600, windowMs: 60_000, now: () => 0 });
  for (let i = 0; i < 200_000; i++) limiter.hit(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  t.same(limiter.footprint, { exactClients: 100_000, sketchBytes: 4 * 65_536 * 4 }, 'a fixed number of exact counts and a 1 MiB sketch, whatever the number of clients');
  t.same(limiter.hit('203.0.113.1'), { allowed: true }, 'a first-time verifier is not refused');
  const flooder = '198.51.100.77';
  let allowed = 0;
  for (let i = 0; i < 700; i++) if (limiter.hit(flooder).allowed) allowed++;
  t.ok(allowed <= 600 && allowed >= 590, `a client past the bound still gets no more than its 600 (${allowed}): the sketch never under-counts`);
  let firstTimers = 0;
  for (let i = 0; i < 1000; i++) if (limiter.hit(`172.16.${i >> 8}.${i & 255}`).allowed) firstTimers++;
  t.equal(firstTimers, 1000, 'and a thousand more first-time clients are all allowed');
});

t.test('a known client keeps its exact count past the bound', async (t) => {
  const limiter = new FixedWindowLimiter({ max: 2, windowMs: 60_000, maxClients: 2, sketchWidth: 1024, now: () => 0 });
  t.ok(limiter.hit('a').allowed);
  t.ok(limiter.hit('b').allowed);
  t.ok(limiter.hit('c').allowed);
  t.ok(limiter.hit('d').allowed);
  t.ok(limiter.hit('e').allowed, 'c, d and e are counted apart, not as one');
  t.ok(limiter.hit('c').allowed);
  t.notOk(limiter.hit('c').allowed, 'c, counted in the sketch, is held at its limit');
  t.ok(limiter.hit('a').allowed, 'a known client keeps its own count');
  t.notOk(limiter.hit('a').allowed);
});

t.test('clients are IPv4 addresses, or IPv6 /64 prefixes', async (t) => {
  t.equal(clientKey('203.0.113.7'), '203.0.113.7');
  t.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7', 'IPv4-mapped');
  t.equal(clientKey('2001:db8:0:12::1'), '2001:db8:0:12::/64');
  t.equal(clientKey('2001:0DB8:0000:0012:aaaa:bbbb:cccc:dddd'), '2001:db8:0:12::/64', 'the same /64, written in full');
  t.equal(clientKey('2001:db8::'), '2001:db8:0:0::/64');
  t.equal(clientKey('::1'), '0:0:0:0::/64');
  t.equal(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64', 'zone dropped');
});

t.test('public verification: 429 RATE_LIMITED with Retry-After past the limit; no limit headers before it', async (t) => {
  const app = await testApp({ config: { verifyRateLimit: 2 } });
  t.teardown(app.close);
  const get = (url: string) => app.app.inject({ url, remoteAddress: '198.51.100.4' });
  const first = await get('/v1/verify/ZZ-2014-000001?holder=张三丰');
  t.equal(first.statusCode, 200);
  t.same(first.json(), { verdict: 'not-found', certificateNumber: 'ZZ-2014-000001' });
  t.notOk(Object.keys(first.headers).some((h) => h.includes('ratelimit')), 'no rate-limit headers on answers under the limit');
  t.equal((await get('/v1/verify?qr=CEL1.x&holder=张三丰')).statusCode, 400, 'both routes count against one allowance');
  const limited = await get('/v1/verify/ZZ-2014-000001?holder=张三丰');
  t.equal(limited.statusCode, 429);
  t.equal(limited.json().error.code, 'RATE_LIMITED');
  t.ok(Number(limited.headers['retry-after']) >= 1 && Number(limited.headers['retry-after']) <= 60);
  const other = await app.app.inject({ url: '/v1/verify/ZZ-2014-000001?holder=张三丰', remoteAddress: '198.51.100.5' });
  t.equal(other.statusCode, 200, 'another client is not held back');
});

t.test('behind a trusted proxy the limiter counts the client the proxy names; otherwise X-Forwarded-For is ignored', async (t) => {
  const viaProxy = (app: Awaited<ReturnType<typeof testApp>>, client: string) =>
    app.app.inject({ url: '/v1/verify/ZZ-2014-000001?holder=张三丰', remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': `192.0.2.1, ${client}` } });
  const proxied = await testApp({ config: { verifyRateLimit: 1, trustProxy: '1' } });
  t.teardown(proxied.close);
  t.equal((await viaProxy(proxied, '198.51.100.1')).statusCode, 200);
  t.equal((await viaProxy(proxied, '198.51.100.2')).statusCode, 200, 'another client behind the same proxy connection has its own count');
  t.equal((await viaProxy(proxied, '198.51.100.1')).statusCode, 429, 'the first is held; the spoofable left-most entry is not what counts');
  const direct = await testApp({ config: { verifyRateLimit: 1 } });
  t.teardown(direct.close);
  t.equal((await viaProxy(direct, '198.51.100.1')).statusCode, 200);
  t.equal((await viaProxy(direct, '198.51.100.2')).statusCode, 429, 'no proxy trusted: the socket address counts, whatever the header says');
});
