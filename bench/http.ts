import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetch } from 'undici';
import { protectIdNumber } from '../src/security/id-number.js';
import { loadSecrets } from '../src/security/secrets.js';
import { signToken } from '../src/security/tokens.js';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-store.js';
import { SCHEMA_VERSIONS } from '../schemas/events.js';
import { generateWorkload } from '../src/workload/generate.js';
import { Rng, syntheticIdNumber } from '../src/workload/rng.js';
import { writeWorkload } from '../src/workload/write.js';
import type { StreamBatch } from '../src/workload/generate.js';
import { startHelloWorld, startLedger } from './support/child-server.js';
import type { ChildServer } from './support/child-server.js';
import { load } from './support/http-load.js';
import type { LoadResult } from './support/http-load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const INGEST_BATCHES = Number(process.env.BENCH_INGEST_BATCHES ?? 5);
const INSTITUTIONS = 8;
const WRITE_PERSONS = 80_000;

export interface HttpBench {
  hello: LoadResult;
  ingestEventsPerSecond: number;
  ingestItems: number;
  singleWrites: LoadResult;
  personYearReads: LoadResult;
  lagMs: { p50: number; p99: number; samples: number };
  serverPeakRssMiB: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Peak resident memory of a process (VmHWM), from /proc. */
export function peakRssMiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** Persons with no credit yet, registered through the store, for the write benchmarks. */
function* freshPersons(pepper: Buffer, count: number): Generator<StreamBatch> {
  const rng = new Rng(99);
  for (let i = 0; i < count; i++) {
    const personId = `w${String(i).padStart(7, '0')}`;
    const id = protectIdNumber(pepper, syntheticIdNumber(rng, '410102'));
    yield {
      streamId: `person-${personId}`,
      events: [
        {
          eventId: randomUUID(),
          type: 'PersonRegistered',
          data: { personId, idNumberHash: id.hash, idNumberMasked: id.masked, name: `写${i}`, jurisdiction: 'zhengzhou', titleLevel: 'intermediate', employerId: 'zhengzhou-emp-1', registeredOn: '2013-12-01' },
          metadata: { actor: { role: 'system', id: 'bench' }, schemaVersion: SCHEMA_VERSIONS.PersonRegistered },
        },
      ],
    };
  }
}

/** Courses of the synthetic year end on 8, 13 and 18 May (`…-c0`, `-c1`, `-c2`). */
const completion = (personId: string, courseId: string) => ({
  personId,
  courseId,
  completedOn: `2014-05-${String(8 + 5 * Number(courseId.slice(-1))).padStart(2, '0')}`,
  assessment: 'passed',
});

/**
 * The HTTP figures of `npm run bench`: batch ingest from 8 concurrent institutions, single-event
 * writes and person-year reads with 64 connections, write→read visibility lag under read load,
 * each beside a Fastify hello-world measured in the same run.
 */
export async function benchHttp(persons: number): Promise<HttpBench> {
  const dir = mkdtempSync(join(tmpdir(), 'celedger-http-'));
  let server: ChildServer | undefined;
  try {
    const store = SqliteEventStore.open({ file: join(dir, 'events.db') });
    const { idPepper, jwtKey } = loadSecrets(dir);
    await writeWorkload(store, generateWorkload({ persons, protectId: (id) => protectIdNumber(idPepper, id) }));
    await writeWorkload(store, freshPersons(idPepper, WRITE_PERSONS));
    await store.close();
    server = await startLedger(dir, { LEDGER_READ_WAIT_MS: '5000' });
    const institution = (i: number) => `zhengzhou-inst-${i % 4}`;
    const token = (i: number) => signToken(jwtKey, { role: 'institution', sub: institution(i) });
    const auditor = signToken(jwtKey, { role: 'auditor', sub: 'bench' });

    // 1. Ingest: 8 institutions, each posting batches of 1,000 completions of distinct persons.
    let next = 0;
    const started = Date.now();
    let recorded = 0;
    await Promise.all(
      Array.from({ length: INSTITUTIONS }, async (_, inst) => {
        for (let b = 0; b < INGEST_BATCHES; b++) {
          const items = Array.from({ length: 1000 }, () => completion(`w${String(next++ % WRITE_PERSONS).padStart(7, '0')}`, `${institution(inst)}-c${inst < 4 ? 1 : 2}`));
          const res = await fetch(`${server!.url}/v1/completions/batch`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token(inst)}`, 'content-type': 'application/json' },
            body: JSON.stringify({ items }),
          });
          const body = (await res.json()) as { recorded: number };
          recorded += body.recorded;
        }
      }),
    );
    const ingestEventsPerSecond = recorded / ((Date.now() - started) / 1000);

    // 2. Single-event writes: each request a completion of a person's public course.
    let w = 0;
    const singleWrites = await load({
      url: server.url,
      durationSeconds: SECONDS,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const i = w++;
            return {
              ...req,
              path: '/v1/completions',
              headers: { authorization: `Bearer ${token(0)}`, 'content-type': 'application/json' },
              body: JSON.stringify(completion(`w${String(i % WRITE_PERSONS).padStart(7, '0')}`, `${institution(0)}-c0`)),
            };
          },
        },
      ],
    });

    // 3. Person-year reads, with 4. a writer measuring write→read lag meanwhile.
    const lags: number[] = [];
    let stop = false;
    const lagProbe = (async () => {
      for (let i = 0; !stop; i++) {
        const personId = `w${String((WRITE_PERSONS - 1 - i) % WRITE_PERSONS).padStart(7, '0')}`;
        const res = await fetch(`${server!.url}/v1/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token(1)}`, 'content-type': 'application/json' },
          body: JSON.stringify(completion(personId, `${institution(1)}-c0`)),
        });
        const body = (await res.json()) as { position?: string };
        if (!body.position) continue;
        const t0 = performance.now();
        const read = await fetch(`${server!.url}/v1/persons/${personId}/years/2014?minPosition=${body.position}`, { headers: { authorization: `Bearer ${auditor}` } });
        await read.arrayBuffer();
        if (read.ok) lags.push(performance.now() - t0);
      }
    })();
    let r = 0;
    const personYearReads = await load({
      url: server.url,
      durationSeconds: SECONDS,
      requests: [
        {
          setupRequest: (req) => ({ ...req, path: `/v1/persons/p${String(r++ % persons).padStart(7, '0')}/years/2014`, headers: { authorization: `Bearer ${auditor}` } }),
        },
      ],
    });
    stop = true;
    await lagProbe;
    const serverPeakRssMiB = peakRssMiB(server.pid);
    await server.stop();
    server = undefined;
    const helloServer = await startHelloWorld();
    const hello = await load({ url: helloServer.url, durationSeconds: SECONDS });
    await helloServer.stop();
    lags.sort((a, b) => a - b);
    return {
      hello,
      ingestEventsPerSecond,
      ingestItems: recorded,
      singleWrites,
      personYearReads,
      lagMs: { p50: Math.round(percentile(lags, 50) * 10) / 10, p99: Math.round(percentile(lags, 99) * 10) / 10, samples: lags.length },
      serverPeakRssMiB,
    };
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
