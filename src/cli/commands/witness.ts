import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { LogClient, fetchExtension } from '../../tlog/client.js';
import { COSIGNATURE_KEY_TYPE, NoteSigner, parseCheckpointText, parseVerifierKey } from '../../tlog/note.js';
import type { VerifierKey } from '../../tlog/note.js';
import { parseCommandArgs } from '../args.js';

export const usage =
  'ledger witness --ledger URL --key FILE --state FILE [--name NAME] [--log-key VKEY] [--interval-ms N] [--once]   follow a ledger\'s log, cosign each checkpoint consistent with the last';

interface WitnessState {
  logKey: string;
  /** The last checkpoint text this witness cosigned. */
  checkpoint: string;
}

function loadSigner(file: string, name: string): NoteSigner {
  if (!existsSync(file)) writeFileSync(file, NoteSigner.generatePem(), { mode: 0o600, flag: 'wx' });
  return NoteSigner.fromPem(name, readFileSync(file, 'utf8'), COSIGNATURE_KEY_TYPE);
}

/**
 * One round: the ledger's checkpoint must be signed by the pinned log key and consistent with the
 * last one this witness cosigned; then it is cosigned and handed back. Returns why it refused.
 */
async function round(client: LogClient, signer: NoteSigner, stateFile: string, pinned: VerifierKey | undefined): Promise<{ cosigned: number } | { refused: string }> {
  const state = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as WitnessState) : undefined;
  const logKey = state ? parseVerifierKey(state.logKey) : (pinned ?? (await client.key()));
  if (!logKey) return { refused: `the state file's log key is not a verifier key` };
  const last = state ? parseCheckpointText(state.checkpoint) : undefined;
  const ext = await fetchExtension(client, logKey, last);
  if (!ext.ok) return { refused: ext.reason };
  const text = ext.note.text;
  await client.postCosignature(`${text}\n${signer.cosignatureLine(text, Math.floor(Date.now() / 1000))}`);
  const next: WitnessState = { logKey: logKey.vkey, checkpoint: text };
  writeFileSync(`${stateFile}.tmp`, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(`${stateFile}.tmp`, stateFile);
  return { cosigned: ext.checkpoint.size };
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    ledger: { type: 'string' },
    key: { type: 'string' },
    state: { type: 'string' },
    name: { type: 'string' },
    'log-key': { type: 'string' },
    'interval-ms': { type: 'string' },
    once: { type: 'boolean' },
  });
  if (!values.ledger || !values.key || !values.state) {
    process.stderr.write(`usage: ${usage}\n`);
    return 2;
  }
  const signer = loadSigner(values.key, values.name ?? 'witness.celedger.local');
  const pinned = values['log-key'] ? parseVerifierKey(values['log-key']) : undefined;
  if (values['log-key'] && !pinned) {
    process.stderr.write('--log-key is not a verifier key\n');
    return 2;
  }
  process.stdout.write(`witness key: ${signer.verifier.vkey}\n`);
  const client = new LogClient(values.ledger);
  const interval = Number(values['interval-ms'] ?? 10_000);
  for (;;) {
    let outcome: Awaited<ReturnType<typeof round>>;
    try {
      outcome = await round(client, signer, values.state, pinned);
    } catch (err) {
      process.stdout.write(`unreachable: ${(err as Error).message}\n`);
      if (values.once) return 1;
      await new Promise((r) => setTimeout(r, interval));
      continue;
    }
    if ('refused' in outcome) process.stdout.write(`REFUSED: ${outcome.refused}; not cosigned\n`);
    else process.stdout.write(`cosigned: checkpoint at ${outcome.cosigned} leaves\n`);
    if (values.once) return 'refused' in outcome ? 1 : 0;
    await new Promise((r) => setTimeout(r, interval));
  }
}
