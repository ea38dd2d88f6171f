import { readFileSync } from 'node:fs';
import { BureauDataFile } from '../../../schemas/commands.js';
import { loadConfig } from '../../config/config.js';
import { recordBureauData } from '../../domain/commands/bureau-data.js';
import { openStore } from '../../store/open-store.js';
import { systemClock } from '../../time/clock.js';
import { configFlags, parseCommandArgs } from '../args.js';

export const usage = 'ledger bureau-data --file FILE [--data-dir DIR]   record a bureau\'s catalogues and holiday tables (e.g. bootstrap/shantou-2014.json) as events';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { file: { type: 'string' } });
  if (typeof values.file !== 'string') {
    process.stderr.write('--file names the bureau data file (JSON)\n');
    return 2;
  }
  const file = BureauDataFile.parse(JSON.parse(readFileSync(values.file, 'utf8')));
  const config = loadConfig(process.env, configFlags(values));
  const store = await openStore(config);
  try {
    const actor = { role: 'bureau', sub: `bootstrap-${file.jurisdiction}`, jurisdiction: file.jurisdiction, level: 'city' } as const;
    const result = await recordBureauData({ store, clock: systemClock, actor }, file);
    if (!result.ok) {
      const r = result.outcome.ok ? undefined : result.outcome.rejection;
      process.stderr.write(`${result.step}: ${r?.ruleId ? `${r.ruleId}: ` : ''}${r?.message ?? 'refused'}\n`);
      return 1;
    }
    process.stdout.write(`recorded ${result.recorded} steps of ${file.jurisdiction}'s data (a step already recorded adds nothing)\n`);
    return 0;
  } finally {
    await store.close();
  }
}
