import { readFileSync } from 'node:fs';
import t from 'tap';
import { eventCatalogueJsonSchema } from '../../schemas/json-schema.js';

t.test('schemas/json/events.schema.json is the catalogue the code defines (run `ledger schemas` after a change)', async (t) => {
  const committed = JSON.parse(readFileSync(new URL('../../schemas/json/events.schema.json', import.meta.url), 'utf8'));
  t.same(committed, JSON.parse(JSON.stringify(eventCatalogueJsonSchema())));
});
