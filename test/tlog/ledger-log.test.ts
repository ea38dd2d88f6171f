import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import t from 'tap';
import type { RecordedEvent } from '../../src/store/port.js';
import { openReadSide } from '../../src/runner/read-side.js';
import { BrokenLinkError } from '../../src/runner/fold-guard.js';
import { GENESIS_HASH, hashEvent } from '../../src/store/integrity.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';
import { leafHash } from '../../src/tlog/hashing.js';
import { quickCheck } from '../../src/tlog/head-check.js';
import { TransparencyLog } from '../../src/tlog/log.js';
import { logFile, openLogSigner } from '../../src/tlog/log-key.js';
import { COSIGNATURE_KEY_TYPE, NoteSigner, openCheckpoint, parseNote } from '../../src/tlog/note.js';
import { verifyInclusion } from '../../src/tlog/proofs.js';
import type { TestApp } from '../support/app.js';
import { principals, testApp } from '../support/app.js';
import { ok, seedZhengzhou } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** Runs `ledger …` without blocking this process (an app under test may be serving it). */
function ledger(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import=tsx', main, ...args], { env: { ...process.env, LEDGER_LOG_LEVEL: 'silent' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

/** Starts `ledger serve` on the data dir and returns its log lines up to the one saying it serves. */
function serveUntilServing(dir: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import=tsx', main, 'serve', '--port', '0', '--data-dir', dir], { env: { ...process.env, LEDGER_LOG_LEVEL: 'info' } });
    const lines: string[] = [];
    let rest = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (c: Buffer) => {
      rest += c.toString();
      const parts = rest.split('\n');
      rest = parts.pop()!;
      lines.push(...parts);
      if (parts.some((l) => l.includes('celedger serving'))) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(lines);
    });
  });
}

function openLog(dir: string): TransparencyLog {
  return TransparencyLog.open({ file: logFile(dir), signer: openLogSigner(dir) });
}

/** A compliant person p1 with a certificate issued, stamped and revoked (the store's last event). */
async function certificateHistory(app: TestApp): Promise<{ no: string; issuedAt: string; revokedAt: string }> {
  await seedZhengzhou(app);
  for (const courseId of ['c1', 'c2', 'c-pub']) await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  const issued = await app.as(principals.zzBureau, { method: 'POST', url: '/v1/persons/p1/years/2014/certificate', payload: {} });
  const { certificateNumber: no, position } = issued.json() as { certificateNumber: string; position: string };
  await ok(app, principals.zzBureau, `/v1/certificates/${no}/stamps`, { stampedOn: '2014-06-20', authority: '郑州市人力资源和社会保障局' });
  const revoked = await ok(app, principals.zzBureau, `/v1/certificates/${no}/revocation`, { reason: 'lent', note: 'shown by a colleague' });
  await app.follower!.settle();
  return { no, issuedAt: position, revokedAt: revoked.position as string };
}

t.test('the verify answer names the issue event’s leaf, whose inclusion proof verifies against the checkpoint', async (t) => {
  const { dir, remove } = tempDir();
  t.teardown(remove);
  const log = openLog(dir);
  const app = await testApp({ log });
  t.teardown(app.close);
  const { no, issuedAt } = await certificateHistory(app);
  await app.read.runner.waitForPosition(BigInt(issuedAt) + 2n, 2000);
  const answer = (await app.app.inject({ url: `/v1/verify/${no}?holder=张三丰` })).json();
  t.equal(answer.verdict, 'revoked');
  const events: RecordedEvent[] = [];
  for await (const e of app.store.readAll()) events.push(e);
  const ordinal = events.findIndex((e) => e.position === BigInt(issuedAt));
  t.same(answer.certificate.log, { position: issuedAt, leafIndex: ordinal }, 'the leaf is the issue event’s ordinal in $all');

  app.follower!.sign();
  const note = (await app.app.inject({ url: '/v1/log/checkpoint' })).body;
  const opened = openCheckpoint(note, log.verifier);
  if (!opened.ok) throw new Error(opened.reason);
  t.equal(opened.checkpoint.size, events.length, 'the checkpoint covers every event');
  const proof = (await app.app.inject({ url: `/v1/log/proof/inclusion?index=${ordinal}&size=${opened.checkpoint.size}` })).json();
  t.equal(proof.eventHash, events[ordinal]!.hash, 'the leaf is the issue event’s hash');
  t.equal(proof.position, issuedAt);
  t.ok(verifyInclusion(ordinal, opened.checkpoint.size, leafHash(Buffer.from(proof.eventHash, 'hex')), proof.proof.map((p: string) => Buffer.from(p, 'base64')), opened.checkpoint.root), 'the proof verifies');
  const byPosition = (await app.app.inject({ url: `/v1/log/proof/inclusion?position=${issuedAt}&size=${opened.checkpoint.size}` })).json();
  t.same(byPosition.proof, proof.proof, 'by position: the same leaf');

  const tooBig = await app.app.inject({ url: `/v1/log/proof/consistency?from=1&to=${log.size + 1}` });
  t.equal(tooBig.statusCode, 400);
  t.equal(tooBig.json().error.details[0].path, 'querystring.to');
  t.equal((await app.app.inject({ url: '/v1/log/proof/inclusion?position=999999&size=1' })).statusCode, 404);
  t.equal((await app.app.inject({ url: '/v1/log/proof/inclusion?size=1' })).statusCode, 400);
  const tile = await app.app.inject({ url: `/v1/log/tile/0/000.p/${log.size}` });
  t.equal(tile.statusCode, 200);
  t.equal(tile.rawPayload.length, 32 * log.size, 'a partial level-0 tile: every leaf hash');
  t.same(tile.rawPayload.subarray(ordinal * 32, ordinal * 32 + 32), leafHash(Buffer.from(events[ordinal]!.hash, 'hex')));
  const bundle = await app.app.inject({ url: `/v1/log/tile/entries/000.p/${log.size}` });
  t.equal(bundle.rawPayload.readUInt16BE(0), 32, 'entries are length-prefixed event hashes');
  t.equal((await app.app.inject({ url: '/v1/log/tile/0/001' })).statusCode, 404, 'no tile past the end');
  t.equal((await app.app.inject({ url: '/v1/log/tile/0/x000/001' })).statusCode, 404, 'only the shortest encoding');
});

t.test('a deleted tail (the last CertificateRevoked) is named at start, by verify-chain, by the integrity route; rebuild refuses it', async (t) => {
  const { dir, remove } = tempDir();
  t.teardown(remove);
  const store = SqliteEventStore.open({ file: join(dir, 'events.db') });
  const app = await testApp({ store, log: openLog(dir) });
  const { revokedAt } = await certificateHistory(app);
  await app.close();

  const raw = new Database(join(dir, 'events.db'));
  const row = raw.prepare("SELECT stream_id, revision FROM events WHERE type = 'CertificateRevoked' ORDER BY position DESC LIMIT 1").get() as { stream_id: string; revision: number };
  raw.prepare('DELETE FROM events WHERE position = ?').run(Number(revokedAt));
  raw.close();
  t.equal((await ledger('verify-chain', '--data-dir', dir, '--stream', row.stream_id)).code, 0, 'the chains alone still pass');

  const reopened = SqliteEventStore.open({ file: join(dir, 'events.db') });
  const log = openLog(dir);
  const atStart = await quickCheck(reopened, log);
  t.equal(atStart.ok, false, 'the start-up check fails');
  t.match(atStart.problem, { streamId: row.stream_id, revision: String(row.revision), position: revokedAt });
  t.match(atStart.problem!.reason, /missing from the store: the event was deleted/);
  log.close();
  await reopened.close();

  const started = (await serveUntilServing(dir)).map((l) => JSON.parse(l) as { msg: string; level: number });
  const failed = started.find((l) => l.msg.startsWith('LOG HEAD CHECK FAILED'));
  t.match(failed?.msg, new RegExp(`stream ${row.stream_id} revision ${row.revision} \\(position ${revokedAt}, leaf \\d+\\) is in the log but missing from the store`), 'the next start names it');

  const chain = await ledger('verify-chain', '--data-dir', dir);
  t.equal(chain.code, 1);
  t.match(chain.out, new RegExp(`BROKEN LOG: stream ${row.stream_id} revision ${row.revision} \\(position ${revokedAt}, leaf \\d+\\) is in the log but missing from the store`));

  const again = await testApp({ store: SqliteEventStore.open({ file: join(dir, 'events.db') }), log: TransparencyLog.open({ file: logFile(dir), signer: openLogSigner(dir), readonly: true }) });
  const integrity = (await again.as(principals.auditor, { url: '/v1/audit/integrity' })).json();
  await again.close();
  t.equal(integrity.ok, false);
  t.match(integrity.log.problem, { streamId: row.stream_id, position: revokedAt });

  const rebuild = await ledger('rebuild', '--data-dir', dir);
  t.equal(rebuild.code, 1, 'a rebuild does not quietly make the certificate authentic again');
  t.match(rebuild.out, /LOG: the events no longer give the log's signed head/);
});

/** Edits the hours of p1's first completion, then recomputes that event's hash and every later one of the stream. */
function insiderRewrite(file: string): void {
  const db = new Database(file);
  const rows = db.prepare("SELECT position, stream_id, revision, event_id, type, data, metadata, recorded_at, prev_hash FROM events WHERE stream_id = 'person-p1' ORDER BY revision").all() as Record<string, string | number>[];
  const first = rows.findIndex((r) => r.type === 'CompletionRecorded');
  let prev = first === 0 ? GENESIS_HASH : (db.prepare('SELECT hash FROM events WHERE position = ?').pluck().get(rows[first - 1]!.position) as string);
  const update = db.prepare('UPDATE events SET data = ?, prev_hash = ?, hash = ? WHERE position = ?');
  for (const r of rows.slice(first)) {
    const data = r === rows[first] ? String(r.data).replace(/"hours":(\d+)/, (_, h) => `"hours":${Number(h) + 40}`) : String(r.data);
    const hash = hashEvent({ streamId: String(r.stream_id), revision: Number(r.revision), eventId: String(r.event_id), type: String(r.type), dataJson: data, metadataJson: String(r.metadata), recordedAt: String(r.recorded_at), prevHash: prev });
    update.run(data, prev, hash, r.position);
    prev = hash;
  }
  db.close();
}

t.test('an insider rewrite that passes verify-chain is caught against a saved checkpoint; the witness refuses it', async (t) => {
  const { dir, remove } = tempDir();
  t.teardown(remove);
  const witnessKey = join(dir, 'witness.pem');
  writeFileSync(witnessKey, NoteSigner.generatePem());
  const witness = NoteSigner.fromPem('witness.example', readFileSync(witnessKey, 'utf8'), COSIGNATURE_KEY_TYPE);
  const serve = async () => {
    const app = await testApp({ store: SqliteEventStore.open({ file: join(dir, 'events.db') }), log: openLog(dir), logWitnesses: [witness.verifier] });
    await app.app.listen({ host: '127.0.0.1', port: 0 });
    const a = app.app.server.address() as { port: number };
    return { app, url: `http://127.0.0.1:${a.port}` };
  };
  const saved = join(dir, 'auditor-checkpoint.json');
  const witnessArgs = (url: string) => ['witness', '--ledger', url, '--key', witnessKey, '--state', join(dir, 'witness-state.json'), '--name', 'witness.example', '--once'];

  let { app, url } = await serve();
  await certificateHistory(app);
  app.follower!.sign();
  const save = await ledger('audit', 'checkpoint', 'save', '--ledger', url, '--out', saved);
  t.equal(save.code, 0, save.err);
  t.match(save.out, /^saved: celedger\.local\/log-[0-9a-f]{12} at \d+ leaves/);
  const cosign = await ledger(...witnessArgs(url));
  t.equal(cosign.code, 0, cosign.out + cosign.err);
  t.match(cosign.out, /cosigned: checkpoint at \d+ leaves/);
  const cosigned = (await app.app.inject({ url: '/v1/log/checkpoint/cosigned' })).body;
  const origin = (await app.app.inject({ url: '/v1/log/key' })).json().origin;
  t.same(parseNote(cosigned)?.signatures.map((s) => s.name), [origin, 'witness.example'], 'the ledger serves the witness’s cosignature');
  const stranger = NoteSigner.fromPem('stranger', NoteSigner.generatePem(), COSIGNATURE_KEY_TYPE);
  const text = parseNote(cosigned)!.text;
  const refused = await app.app.inject({ method: 'POST', url: '/v1/log/cosignature', payload: { checkpoint: `${text}\n${stranger.cosignatureLine(text, 1)}` } });
  t.equal(refused.statusCode, 403, 'a cosignature by a key the ledger does not know is not kept');
  t.equal((await ledger('audit', 'checkpoint', 'verify', saved)).code, 0, 'before the rewrite the log extends the saved checkpoint');
  await app.close();

  insiderRewrite(join(dir, 'events.db'));
  const chains = await ledger('verify-chain', '--data-dir', dir);
  t.match(chains.out, /^ok: \d+ events in \d+ streams, every chain intact/, 'the recomputed chains pass');
  t.match(chains.out, /BROKEN LOG: stream person-p1 revision \d+ \(position \d+, leaf \d+\) is not the event the log holds/, 'the log file beside them does not');
  // The insider also replaces the log: rebuilt from the rewritten events, signed with the same key.
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${logFile(dir)}${suffix}`, { force: true });
  const rebuilt = await ledger('rebuild', '--data-dir', dir);
  t.equal(rebuilt.code, 0, rebuilt.out + rebuilt.err);
  t.equal((await ledger('verify-chain', '--data-dir', dir)).code, 0, 'now every local check passes');

  ({ app, url } = await serve());
  t.teardown(app.close);
  const verdict = await ledger('audit', 'checkpoint', 'verify', saved, '--ledger', url);
  t.equal(verdict.code, 1);
  t.match(verdict.out, /BROKEN: the log at \d+ is not an extension of the checkpoint at \d+: history was rewritten/);
  const witnessed = await ledger(...witnessArgs(url));
  t.equal(witnessed.code, 1);
  t.match(witnessed.out, /REFUSED: .*not an extension.*; not cosigned/);
});

t.test('folding stops at the first broken link instead of serving edited hours', async (t) => {
  const { dir, remove } = tempDir();
  t.teardown(remove);
  const app = await testApp({ store: SqliteEventStore.open({ file: join(dir, 'events.db') }), log: openLog(dir) });
  await certificateHistory(app);
  await app.close();
  const raw = new Database(join(dir, 'events.db'));
  const edited = raw.prepare("SELECT position, revision FROM events WHERE stream_id = 'person-p1' AND type = 'CompletionRecorded' ORDER BY position LIMIT 1").get() as { position: number; revision: number };
  raw.prepare('UPDATE events SET data = replace(data, \'"hours":\', \'"hours":1\') WHERE position = ?').run(edited.position);
  raw.close();

  const rebuild = await ledger('rebuild', '--data-dir', dir);
  t.equal(rebuild.code, 1);
  t.match(rebuild.out, `BROKEN: stream person-p1 revision ${edited.revision} (position ${edited.position}): hash does not match the content`);

  const store = SqliteEventStore.open({ file: join(dir, 'events.db') });
  const read = openReadSide(store, ':memory:');
  t.teardown(async () => {
    await read.close();
    await store.close();
  });
  const err = await read.runner.catchUp().catch((e: unknown) => e);
  t.ok(err instanceof BrokenLinkError, 'the runner stops with the broken link');
  t.equal((err as BrokenLinkError).broken.position, BigInt(edited.position));
  t.ok(read.runner.position < BigInt(edited.position), 'nothing from the edited event on was folded');
  t.same(await read.models.personYears('p1'), [], 'the edited hours are not served');
});
