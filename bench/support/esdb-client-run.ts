import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/**
 * One client's run against a wire double (argv: the client's module, connection string): the calls
 * the EventStoreDB adapter makes, each timed. Prints one JSON line of rates per second.
 */

export interface ClientRates {
  headReads: number;
  appends: number;
  streamRead: number;
  allRead: number;
  catchUp: number;
}

export const HEAD_READS = 500;
export const APPENDS = 500;
export const STREAM_EVENTS = 1_000;
export const READS = 10;

/* eslint-disable @typescript-eslint/no-explicit-any -- two packages of differing types behind one shape */
async function run(pkg: string, connectionString: string): Promise<ClientRates> {
  const lib: any = await import(pkg);
  const kurrent = pkg.includes('@kurrent/');
  const client: any = kurrent ? lib.KurrentDBClient.connectionString(connectionString) : lib.EventStoreDBClient.connectionString(connectionString);
  const expect = (revision: bigint | 'no_stream') => (kurrent ? { streamState: revision } : { expectedRevision: revision });
  const event = (i: number) => lib.jsonEvent({ id: randomUUID(), type: 'CompletionRecorded', data: { i, courseId: 'c1', hours: 8, note: '继续教育学时'.repeat(8) }, metadata: { actor: { role: 'institution', id: 'inst-a' } } });
  const rate = (n: number, since: number) => n / ((performance.now() - since) / 1000);
  const stream = `person-${randomUUID()}`;

  let t0 = performance.now();
  let revision: bigint | 'no_stream' = 'no_stream';
  for (let i = 0; i < APPENDS; i++) revision = (await client.appendToStream(stream, [event(i)], expect(revision))).nextExpectedRevision;
  const appends = rate(APPENDS, t0);
  for (let i = APPENDS; i < STREAM_EVENTS; i += 100) {
    revision = (await client.appendToStream(stream, Array.from({ length: 100 }, (_, k) => event(i + k)), expect(revision))).nextExpectedRevision;
  }

  t0 = performance.now();
  for (let i = 0; i < HEAD_READS; i++) for await (const _ of client.readStream(stream, { direction: lib.BACKWARDS, fromRevision: lib.END, maxCount: 1 }));
  const headReads = rate(HEAD_READS, t0);

  t0 = performance.now();
  let n = 0;
  for (let i = 0; i < READS; i++) for await (const _ of client.readStream(stream, { maxCount: STREAM_EVENTS })) n++;
  const streamRead = rate(n, t0);

  t0 = performance.now();
  n = 0;
  for (let i = 0; i < READS; i++) for await (const _ of client.readAll({ maxCount: 10_000 })) n++;
  const allRead = rate(n, t0);

  t0 = performance.now();
  const sub = client.subscribeToAll({ fromPosition: lib.START, filter: lib.excludeSystemEvents() });
  n = 0;
  await new Promise<void>((resolve) => {
    sub.on('data', () => n++);
    sub.once('caughtUp', () => resolve());
  });
  const catchUp = rate(n, t0);
  await sub.unsubscribe();
  await client.dispose();
  return { headReads, appends, streamRead, allRead, catchUp };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [pkg = '', connectionString = ''] = process.argv.slice(2);
  process.stdout.write(`${JSON.stringify(await run(pkg, connectionString))}\n`);
  process.exit(0);
}
