import { CATEGORIES } from '../schemas/common.js';

export type GroupBy = 'none' | 'employer' | 'category' | 'titleLevel';

export interface ReportInput {
  personId: string;
  employerId: string;
  titleLevel: string;
  compliant: boolean;
  counted: { public: number; professional: number; elective: number; total: number };
}

export interface ReportRow {
  jurisdiction: string;
  year: number;
  group: string;
  persons: number;
  compliantPersons: number;
  hoursPublic: number;
  hoursProfessional: number;
  hoursElective: number;
  hoursTotal: number;
}

/**
 * Year totals of a jurisdiction, folded from its person-years: persons, compliant persons and
 * counted hours, overall or per employer, title level or category. Groups are sorted, so the same
 * person-years always give the same report, byte for byte.
 */
export function yearTotals(jurisdiction: string, year: number, rows: readonly ReportInput[], groupBy: GroupBy = 'none'): ReportRow[] {
  const groups = new Map<string, ReportRow>();
  const row = (group: string) => {
    let r = groups.get(group);
    if (!r) {
      r = { jurisdiction, year, group, persons: 0, compliantPersons: 0, hoursPublic: 0, hoursProfessional: 0, hoursElective: 0, hoursTotal: 0 };
      groups.set(group, r);
    }
    return r;
  };
  const addPerson = (r: ReportRow, p: ReportInput, hours: ReportInput['counted']) => {
    r.persons++;
    if (p.compliant) r.compliantPersons++;
    r.hoursPublic += hours.public;
    r.hoursProfessional += hours.professional;
    r.hoursElective += hours.elective;
    r.hoursTotal += hours.total;
  };
  for (const p of rows) {
    if (groupBy === 'category') {
      for (const c of CATEGORIES) {
        if (p.counted[c] <= 0) continue;
        const only = { public: 0, professional: 0, elective: 0, total: p.counted[c], [c]: p.counted[c] };
        addPerson(row(c), p, only);
      }
    } else {
      addPerson(row(groupBy === 'employer' ? p.employerId : groupBy === 'titleLevel' ? p.titleLevel : 'all'), p, p.counted);
    }
  }
  return [...groups.values()].sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
}

/** The columns of a report row, in the order a CSV export shows them. */
export const REPORT_COLUMNS: (keyof ReportRow)[] = ['jurisdiction', 'year', 'group', 'persons', 'compliantPersons', 'hoursPublic', 'hoursProfessional', 'hoursElective', 'hoursTotal'];
