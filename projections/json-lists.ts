import { coursesProjection } from './courses.js';
import type { CourseFilter, CourseQueries } from './courses.js';
import { institutionsProjection } from './institutions.js';
import type { InstitutionFilter, InstitutionQueries } from './institutions.js';
import type { CursorKey, JsonPage } from './paging.js';
import { personDirectoryProjection } from './person-directory.js';
import type { DirectoryFilter, DirectoryQueries } from './person-directory.js';
import type { PersonYearQueries, StaffFilter } from './person-years/queries.js';

/** The queries the JSON lists read. */
export interface ListModels {
  personYears: PersonYearQueries;
  directory: DirectoryQueries;
  courses: CourseQueries;
  institutions: InstitutionQueries;
}

/** The list models out of a lookup of registered projections' queries by name. */
export function listModels(queries: (name: string) => unknown): ListModels {
  return {
    personYears: queries('person-years') as PersonYearQueries,
    directory: queries(personDirectoryProjection.name) as DirectoryQueries,
    courses: queries(coursesProjection.name) as CourseQueries,
    institutions: queries(institutionsProjection.name) as InstitutionQueries,
  };
}

/**
 * The lists whose pages are their read models' JSON text, by name, each with its arguments as
 * plain data: what a route asks of a reader thread (or of its own thread), so the page's SQL runs
 * beside the thread that answers HTTP.
 */
export const JSON_LISTS = {
  staff: (m: ListModels, a: { employerId: string; year: number; filter: StaffFilter }, limit: number, after?: CursorKey) =>
    m.personYears.staff(a.employerId, a.year, a.filter, limit, after),
  persons: (m: ListModels, a: { filter: DirectoryFilter }, limit: number, after?: CursorKey) => m.directory.search(a.filter, limit, after),
  courses: (m: ListModels, a: { filter: CourseFilter }, limit: number, after?: CursorKey) => m.courses.list(a.filter, limit, after),
  institutions: (m: ListModels, a: { filter: InstitutionFilter }, limit: number, after?: CursorKey) => m.institutions.list(a.filter, limit, after),
} satisfies Record<string, (m: ListModels, args: never, limit: number, after?: CursorKey) => JsonPage<unknown>>;

export type ListName = keyof typeof JSON_LISTS;
export type ListArgs<K extends ListName> = Parameters<(typeof JSON_LISTS)[K]>[1];
export type ListPage<K extends ListName> = ReturnType<(typeof JSON_LISTS)[K]>;

/** One page of a named list over `models`. */
export function listPage<K extends ListName>(models: ListModels, name: K, args: ListArgs<K>, limit: number, after?: CursorKey): ListPage<K> {
  const list = JSON_LISTS[name] as (m: ListModels, a: ListArgs<K>, limit: number, after?: CursorKey) => ListPage<K>;
  return list(models, args, limit, after);
}
