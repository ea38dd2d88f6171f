import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { eventCatalogueJsonSchema } from '../../../schemas/json-schema.js';
import { parseCommandArgs } from '../args.js';

export const usage = 'ledger schemas [--out DIR]   write the event catalogue as JSON Schema (default schemas/json)';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { out: { type: 'string' } });
  const dir = resolve(values.out ?? join('schemas', 'json'));
  mkdirSync(dir, { recursive: true });
  const catalogue = eventCatalogueJsonSchema();
  const file = join(dir, 'events.schema.json');
  writeFileSync(file, `${JSON.stringify(catalogue, null, 2)}\n`);
  process.stdout.write(`${file}\n`);
  return 0;
}
