import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { emptyRegistry, foldRegistry } from '../../projections/registry.js';
import { BureauDataFile } from '../../schemas/commands.js';
import type { Catalogue } from '../../src/rules/catalogue.js';

/** The bureau data file Shantou bootstraps with: the seed's 2014 subjects and its 2010–2013 catalogue. */
export const SHANTOU_FILE = fileURLToPath(new URL('../../bootstrap/shantou-2014.json', import.meta.url));

export const shantouData = () => BureauDataFile.parse(JSON.parse(readFileSync(SHANTOU_FILE, 'utf8')));

/** Shantou's catalogue as the registry folds it from the events the bootstrap records. */
export function shantouCatalogue(): Catalogue {
  const file = shantouData();
  const registry = emptyRegistry();
  for (const { year, ...list } of file.publicSubjects) {
    foldRegistry(registry, { type: 'PublicSubjectsListed', data: { jurisdiction: 'shantou', year, subjects: list.subjects, listedOn: list.listedOn ?? '2014-04-11' } });
  }
  const past = file.pastYearCatalogue!;
  foldRegistry(registry, { type: 'PastYearCatalogueRecorded', data: { jurisdiction: 'shantou', subjects: past.subjects, recordedOn: past.recordedOn ?? '2014-04-11' } });
  return registry.catalogues.get('shantou')!;
}
