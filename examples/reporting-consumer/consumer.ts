import { request } from 'undici';
import type { FeedItem } from '../../src/feed/entry.js';
import { ConsumerState, IntegrityError } from './state.js';

/**
 * Follows the ledger's event feed and keeps a year-totals table of its own (see README.md): reads
 * NDJSON from its saved position, folds each batch with the ledger's published projections and
 * saves the new position in the same transaction, reconnects after a dropped connection.
 */
interface Options {
  url: string;
  token: string;
  db: string;
  jurisdiction?: string;
}

function options(env: NodeJS.ProcessEnv): Options {
  const token = env.LEDGER_TOKEN;
  if (!token) throw new Error('LEDGER_TOKEN is required: a reporting (or auditor) token from `ledger token`');
  return {
    url: (env.LEDGER_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, ''),
    token,
    db: env.CONSUMER_DB ?? './reporting-consumer.db',
    ...(env.CONSUMER_JURISDICTION ? { jurisdiction: env.CONSUMER_JURISDICTION } : {}),
  };
}

const log = (message: string) => process.stdout.write(`${new Date().toISOString()} ${message}\n`);

/** One connection: reads until the server or the network ends it. */
async function follow(o: Options, state: ConsumerState, signal: AbortSignal): Promise<void> {
  const after = state.position();
  const query = new URLSearchParams({ ...(after !== undefined ? { after } : {}), ...(o.jurisdiction ? { jurisdiction: o.jurisdiction } : {}) });
  const res = await request(`${o.url}/v1/feed?${query}`, {
    headers: { authorization: `Bearer ${o.token}`, accept: 'application/x-ndjson' },
    signal,
  });
  if (res.statusCode !== 200) {
    const body = await res.body.text();
    throw new Error(`feed answered ${res.statusCode}: ${body}`);
  }
  log(`following from ${after ?? 'the start'}`);
  let rest = '';
  res.body.setEncoding('utf8');
  for await (const chunk of res.body as AsyncIterable<string>) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    const items: FeedItem[] = [];
    let scanned: string | undefined;
    for (const line of lines) {
      if (line.length === 0) continue;
      const v = JSON.parse(line) as FeedItem & { heartbeat?: string; scanned?: string };
      if (v.heartbeat !== undefined) scanned = v.scanned;
      else items.push(v);
    }
    // Past a heartbeat's position nothing matched: the consumer may resume from there.
    const skip = scanned !== undefined && BigInt(scanned) >= 0n ? scanned : undefined;
    if (items.length > 0 || skip !== undefined) state.applyBatch(items, skip);
    if (items.length > 0) log(`at ${items[items.length - 1]!.position}`);
  }
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const o = options(env);
  const state = new ConsumerState(o.db);
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  let wait = 500;
  try {
    while (!stop.signal.aborted) {
      try {
        await follow(o, state, stop.signal);
        wait = 500;
      } catch (err) {
        if (err instanceof IntegrityError) {
          log(`integrity check failed, stopping: ${err.message}`);
          return 3;
        }
        if (stop.signal.aborted) break;
        log(`feed interrupted (${(err as Error).message}); reconnecting in ${wait} ms`);
      }
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 30_000);
    }
    return 0;
  } finally {
    state.close();
  }
}

process.exitCode = await main();
