import type { Category } from '../../schemas/common.js';

/** A subject of a bureau's catalogue: its category, the year it belongs to (none for Shantou's electives) and its hours. */
export interface CatalogueSubject {
  title: string;
  category: Category;
  year?: number;
  hours: number;
}

/**
 * What a bureau recorded of its subjects (ST-2, ST-3): the public subjects of each year it listed,
 * and the past-year catalogue for make-up. Data of the bureau, folded from its events.
 */
export interface Catalogue {
  /** year → public subjects listed for it (normalised titles). */
  publicSubjects: Record<string, string[]>;
  pastYear: CatalogueSubject[];
}

export const emptyCatalogue = (): Catalogue => ({ publicSubjects: {}, pastYear: [] });

/** Titles compared without book-title marks (《》〈〉), quotes and spaces: 《潮汕文化解读》 is 潮汕文化解读. */
export function subjectKey(title: string): string {
  return title.replace(/[《》〈〉「」“”"'\s]/g, '');
}

/** The public subjects of a year: those listed for it, and those the past-year catalogue places in it. */
export function publicSubjectsOf(c: Catalogue, year: number): string[] | undefined {
  const listed = c.publicSubjects[String(year)];
  const past = c.pastYear.filter((s) => s.category === 'public' && s.year === year).map((s) => subjectKey(s.title));
  if (!listed && past.length === 0) return undefined;
  return [...(listed ?? []), ...past];
}

/** The years a public subject belongs to, by the year lists and the past-year catalogue. */
export function yearsOfPublicSubject(c: Catalogue, key: string): number[] {
  const years = new Set<number>();
  for (const [y, titles] of Object.entries(c.publicSubjects)) if (titles.includes(key)) years.add(Number(y));
  for (const s of c.pastYear) if (s.category === 'public' && s.year !== undefined && subjectKey(s.title) === key) years.add(s.year);
  return [...years].sort((a, b) => a - b);
}

/** The past-year catalogue's entry for a subject of a category, if it lists one. */
export function pastYearEntry(c: Catalogue, category: Category, key: string): CatalogueSubject | undefined {
  return c.pastYear.find((s) => s.category === category && subjectKey(s.title) === key);
}
