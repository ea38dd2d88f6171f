import { z } from 'zod';
import { EVENT_SCHEMAS, EventMetadata, SCHEMA_VERSIONS } from './events.js';

/** JSON Schema (draft 2020-12) of the event catalogue, for downstream consumers of the feed. */
export function eventCatalogueJsonSchema(): Record<string, unknown> {
  const events = Object.fromEntries(
    Object.entries(EVENT_SCHEMAS).map(([type, schema]) => [
      type,
      { schemaVersion: SCHEMA_VERSIONS[type as keyof typeof SCHEMA_VERSIONS], data: z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) },
    ]),
  );
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'celedger event catalogue',
    metadata: z.toJSONSchema(EventMetadata, { io: 'output', unrepresentable: 'any' }),
    events,
  };
}
