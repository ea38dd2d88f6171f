import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import t from 'tap';
import { FEED_DEFAULTS } from '../../src/feed/hub.js';
import { principals } from '../support/app.js';
import { feedWorld } from './world.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const EVENTS = 6_000;
const PAD = 'x'.repeat(8_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('a consumer that stops reading: the server stops reading the store for it, and its memory stays bounded', async (t) => {
  const w = await feedWorld();
  t.teardown(w.close);
  const store = w.app.store;
  for (let b = 0; b < EVENTS / 500; b++) {
    await Promise.all(
      Array.from({ length: 50 }, (_, s) =>
        store.append(
          `person-bp-${b}-${s}`,
          Array.from({ length: 10 }, (_, i) => ({ eventId: randomUUID(), type: 'CompletionRecorded', data: { i, pad: PAD }, metadata: { actor: { role: 'institution', id: 'inst-a' }, schemaVersion: 1 } })),
        ),
      ),
    );
  }
  const total = EVENTS * 8_000;
  gc();
  const used = () => process.memoryUsage().heapUsed + process.memoryUsage().external;
  const heapBefore = used();
  const { port } = new URL(w.base);
  const socket = connect(Number(port), '127.0.0.1');
  t.teardown(() => socket.destroy());
  let received = 0;
  let lines = 0;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    for (const byte of chunk) if (byte === 10) lines++;
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(`GET /v1/feed HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${w.token(principals.auditor)}\r\n\r\n`);
  while (received === 0) await sleep(5);
  // The consumer stops reading: what the kernel buffers fills, then the server's write returns false.
  socket.pause();
  await sleep(400);
  const [held] = w.hub().active;
  await sleep(400);
  const [later] = w.hub().active;
  gc();
  const heapGrowth = used() - heapBefore;
  t.ok(held, 'the session is still there');
  t.equal(later!.readFromStore, held!.readFromStore, 'while the socket is full, nothing more is read from the store');
  t.ok(held!.readFromStore < EVENTS / 2, `read ${held!.readFromStore} of ${EVENTS} events: not the whole log`);
  const pageBytes = FEED_DEFAULTS.pageSize * 8_500;
  const bound = pageBytes + FEED_DEFAULTS.maxBuffered;
  t.ok(later!.buffered <= bound, `at most one page more than maxBuffered waits in the server (${later!.buffered} bytes)`);
  t.ok(heapGrowth < 3 * bound, `heap and buffers grew ${Math.round(heapGrowth / 1e6)} MB for a ${Math.round(total / 1e6)} MB log`);
  socket.resume();
  for (const end = Date.now() + 20_000; lines < EVENTS && Date.now() < end; ) await sleep(20);
  t.ok(lines >= EVENTS, 'once the consumer reads again, every event comes');
});
