import type { Database as Db } from 'better-sqlite3';
import type { EventType } from '../schemas/events.js';
import { addRow, defineProjection, emptyProjectionWrites } from './define.js';
import type { ProjectionEvent } from './define.js';
import { selectJsonPage } from './paging.js';
import type { CursorKey, JsonPage } from './paging.js';

export interface DirectoryEntry {
  personId: string;
  name: string;
  idNumberMasked: string;
  jurisdiction: string;
  employerId: string;
  titleLevel: string;
  registeredOn: string;
}

export interface DirectoryFilter {
  jurisdiction?: string;
  employerId?: string;
  titleLevel?: string;
  /** Names starting with this. */
  name?: string;
  /** The keyed hash of an ID number (the number itself is never stored). */
  idNumberHash?: string;
  /** Only these persons (those an ID number's reservation names). */
  personIds?: readonly string[];
}

function apply(events: readonly ProjectionEvent[]) {
  const w = emptyProjectionWrites();
  for (const e of events) {
    switch (e.type) {
      case 'PersonRegistered': {
        const d = e.data;
        addRow(w, 'register', [d.personId, d.name, d.idNumberHash, d.idNumberMasked, d.jurisdiction, d.employerId, d.titleLevel, d.registeredOn]);
        break;
      }
      case 'PersonTransferred':
        addRow(w, 'update', [e.data.toJurisdiction, e.data.toEmployerId, null, e.data.personId]);
        addRow(w, 'refresh', [e.data.personId]);
        break;
      case 'PersonTitleChanged':
        addRow(w, 'update', [null, null, e.data.to, e.data.personId]);
        addRow(w, 'refresh', [e.data.personId]);
        break;
      default:
        break;
    }
  }
  return w;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS person_directory (
  person_id TEXT PRIMARY KEY, name TEXT NOT NULL, id_hash TEXT NOT NULL, id_masked TEXT NOT NULL, jurisdiction TEXT NOT NULL,
  employer_id TEXT NOT NULL, title_level TEXT NOT NULL, registered_on TEXT NOT NULL, entry TEXT NOT NULL) WITHOUT ROWID;
-- Holds each entry's JSON (and the columns a page by name filters on): a page by name reads this
-- index alone and joins texts kept ready, instead of making fifty JSON objects from columns.
CREATE INDEX IF NOT EXISTS person_directory_name ON person_directory (jurisdiction, name, person_id, employer_id, title_level, entry);
`;

/** An entry as JSON text, in DirectoryEntry's shape, made by SQLite from its columns when they are written. */
const ENTRY_JSON = `json_object('personId', person_id, 'name', name, 'idNumberMasked', id_masked, 'jurisdiction', jurisdiction,
  'employerId', employer_id, 'titleLevel', title_level, 'registeredOn', registered_on)`;

export class DirectoryQueries {
  constructor(private readonly db: Db) {}

  /** Persons ordered by name, then id; a name filter matches from the start of the name. */
  search(filter: DirectoryFilter, limit: number, after?: CursorKey): JsonPage<DirectoryEntry> {
    return selectJsonPage<DirectoryEntry>(
      this.db,
      {
        from: 'person_directory',
        json: 'entry',
        key: ['name', 'person_id'],
        conditions: [
          filter.jurisdiction !== undefined && ['jurisdiction = ?', filter.jurisdiction],
          filter.employerId !== undefined && ['employer_id = ?', filter.employerId],
          filter.titleLevel !== undefined && ['title_level = ?', filter.titleLevel],
          filter.idNumberHash !== undefined && ['id_hash = ?', filter.idNumberHash],
          filter.personIds !== undefined && [`person_id IN (${filter.personIds.map(() => '?').join(', ') || 'NULL'})`, ...filter.personIds],
          // A range, not LIKE: names are matched as written (no wildcards) and the index serves it.
          filter.name !== undefined && ['name >= ? AND name < ?', filter.name, `${filter.name}\u{10FFFF}`],
        ],
      },
      limit,
      after,
    );
  }
}

/**
 * Who is registered where: the bureau finds a person by name, or by ID number through the number's
 * reservation stream (which names its person) and the keyed hash kept here. No index on the hash:
 * its random keys made a rebuild pay a scattered b-tree insert per person.
 */
export const personDirectoryProjection = defineProjection({
  name: 'person-directory',
  version: 4,
  schema: SCHEMA,
  tables: ['person_directory'],
  statements: {
    register: `INSERT OR REPLACE INTO person_directory (person_id, name, id_hash, id_masked, jurisdiction, employer_id, title_level, registered_on, entry)
      SELECT person_id, name, id_hash, id_masked, jurisdiction, employer_id, title_level, registered_on, ${ENTRY_JSON}
      FROM (SELECT ? AS person_id, ? AS name, ? AS id_hash, ? AS id_masked, ? AS jurisdiction, ? AS employer_id, ? AS title_level, ? AS registered_on)`,
    update: `UPDATE person_directory SET jurisdiction = coalesce(?, jurisdiction), employer_id = coalesce(?, employer_id),
      title_level = coalesce(?, title_level) WHERE person_id = ?`,
    // After the batch's updates: the entry made again from the columns they changed.
    refresh: `UPDATE person_directory SET entry = ${ENTRY_JSON} WHERE person_id = ?`,
  },
  handles: new Set<EventType>(['PersonRegistered', 'PersonTransferred', 'PersonTitleChanged']),
  load: () => undefined,
  apply: (events) => apply(events),
  queries: (db) => new DirectoryQueries(db),
});
