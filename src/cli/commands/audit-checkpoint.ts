import { readFileSync, writeFileSync } from 'node:fs';
import { LogClient, fetchExtension } from '../../tlog/client.js';
import { openCheckpoint, parseVerifierKey } from '../../tlog/note.js';
import { parseCommandArgs } from '../args.js';

export const usage =
  'ledger audit checkpoint save --ledger URL --out FILE [--log-key VKEY]   keep the current signed checkpoint in a file of yours\n' +
  '  ledger audit checkpoint verify FILE [--ledger URL]   is the log now an extension of that checkpoint? exit 1 if not';

interface SavedCheckpoint {
  ledger: string;
  key: string;
  checkpoint: string;
  savedAt: string;
}

/** `ledger audit checkpoint save|verify`: an auditor's own record of the log, and the check against it. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ledger: { type: 'string' }, out: { type: 'string' }, 'log-key': { type: 'string' } }, { positionals: true });
  const [verb, file] = positionals.slice(1);
  if (verb === 'save' && values.ledger && values.out) {
    const client = new LogClient(values.ledger);
    // A key given by the auditor (from the bureau, out of band) is trusted over the one the ledger announces.
    const key = values['log-key'] ? parseVerifierKey(values['log-key']) : await client.key();
    if (!key) {
      process.stderr.write('--log-key is not a verifier key\n');
      return 2;
    }
    const note = await client.checkpoint();
    const opened = openCheckpoint(note, key);
    if (!opened.ok) {
      process.stdout.write(`BROKEN: the ledger's checkpoint: ${opened.reason}\n`);
      return 1;
    }
    const saved: SavedCheckpoint = { ledger: values.ledger, key: key.vkey, checkpoint: note, savedAt: new Date().toISOString() };
    writeFileSync(values.out, `${JSON.stringify(saved, null, 2)}\n`);
    process.stdout.write(`saved: ${opened.checkpoint.origin} at ${opened.checkpoint.size} leaves, root ${opened.checkpoint.root.toString('base64')}\n`);
    return 0;
  }
  if (verb === 'verify' && file) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedCheckpoint;
    const key = parseVerifierKey(saved.key);
    const earlier = key ? openCheckpoint(saved.checkpoint, key) : undefined;
    if (!key || !earlier?.ok) {
      process.stderr.write(`${file} does not hold a checkpoint signed by its key\n`);
      return 2;
    }
    const result = await fetchExtension(new LogClient(values.ledger ?? saved.ledger), key, earlier.checkpoint);
    if (!result.ok) {
      process.stdout.write(`BROKEN: ${result.reason}\n`);
      return 1;
    }
    process.stdout.write(`ok: the log at ${result.checkpoint.size} leaves extends the checkpoint saved at ${earlier.checkpoint.size} (${saved.savedAt})\n`);
    return 0;
  }
  process.stderr.write(`usage: ${usage}\n`);
  return 2;
}
