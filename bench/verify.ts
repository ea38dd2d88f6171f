import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, ratio, table, writeSection } from './support/benchmarks-md.js';
import { startHelloWorld, startLedger } from './support/child-server.js';
import { load } from './support/http-load.js';
import type { LoadResult } from './support/http-load.js';
import { runHeader } from './support/machine.js';
import { seedCertificates } from './support/seed-certificates.js';

const CERTIFICATES = Number(process.env.BENCH_CERTIFICATES ?? 2_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

export interface VerifyBench {
  verify: LoadResult;
  hello: LoadResult;
  certificates: number;
}

/**
 * `GET /v1/verify/:no?holder=…` on a server in its own process, over a store holding a few thousand
 * stamped certificates, against a Fastify hello-world measured in the same run (autocannon, 64
 * connections, loopback, bounded in time).
 */
export async function benchVerify(dataDir?: string): Promise<VerifyBench> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'celedger-verify-'));
  try {
    const seeded = await seedCertificates(dir, CERTIFICATES);
    const server = await startLedger(dir, { LEDGER_VERIFY_RATE_LIMIT: '100000000' });
    let verify: LoadResult;
    try {
      let i = 0;
      verify = await load({
        url: server.url,
        durationSeconds: SECONDS,
        requests: [
          {
            setupRequest: (req) => {
              const c = seeded[i++ % seeded.length]!;
              return { ...req, path: `/v1/verify/${c.certificateNumber}?holder=${encodeURIComponent(c.holder)}` };
            },
          },
        ],
      });
    } finally {
      await server.stop();
    }
    const helloServer = await startHelloWorld();
    let hello: LoadResult;
    try {
      hello = await load({ url: helloServer.url, durationSeconds: SECONDS });
    } finally {
      await helloServer.stop();
    }
    return { verify, hello, certificates: seeded.length };
  } finally {
    if (!dataDir) rmSync(dir, { recursive: true, force: true });
  }
}

export function verifySection(r: VerifyBench): string {
  const ok = r.verify.requestsPerSecond >= 0.8 * r.hello.requestsPerSecond && r.verify.p99 <= 10;
  return [
    '## Public verification (`GET /v1/verify/:no?holder=…`)',
    '',
    runHeader('npm run bench:verify'),
    `- ${fmt(r.certificates)} issued and stamped certificates; autocannon, 64 connections, ${SECONDS} s each, loopback; both servers in their own process`,
    '',
    table(
      ['what', 'requests/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
      [
        ['verify (a different certificate and holder each request)', fmt(r.verify.requestsPerSecond), r.verify.p50, r.verify.p99, r.verify.non2xx, r.verify.errors],
        ['Fastify hello-world (ceiling)', fmt(r.hello.requestsPerSecond), r.hello.p50, r.hello.p99, r.hello.non2xx, r.hello.errors],
      ],
    ),
    '',
    `Ratio: ${ratio(r.verify.requestsPerSecond, r.hello.requestsPerSecond)} of hello-world (target ≥ 80%), p99 ${r.verify.p99} ms (target ≤ 10 ms): ${ok ? 'met' : 'NOT met'}.`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchVerify();
  const md = verifySection(r);
  writeSection('verify', md);
  process.stdout.write(`${md}\n`);
}
