/** Every stream name of the ledger, in one place. */
export const streams = {
  institution: (id: string) => `institution-${id}`,
  course: (id: string) => `course-${id}`,
  person: (id: string) => `person-${id}`,
  employer: (id: string) => `employer-${id}`,
  /** The industry rule sets a jurisdiction's bureau recorded, all industries in one stream. */
  industryRules: (jurisdiction: string) => `industryrules-${jurisdiction}`,
  /** Reserves a personal ID number for one person (appended with no_stream). */
  idNumber: (hash: string) => `idnumber-${hash}`,
  /** Certificate numbers of a jurisdiction and year, reserved in order: the n-th number is revision n-1. */
  certificateSequence: (jurisdiction: string, year: number) => `certseq-${jurisdiction}-${year}`,
  /** FZ-5: who holds a class's training certificate number (`:` appears in neither part). */
  proofNumber: (courseId: string, number: string) => `proofno-${courseId}:${number}`,
  /** A bureau's catalogues (ST-2, ST-3). */
  catalogue: (jurisdiction: string) => `catalogue-${jurisdiction}`,
  /** A year's holidays and adjusted working days. */
  calendar: (year: number) => `calendar-${year}`,
} as const;

/**
 * A credit id names its person (`{personId}:{suffix}`), so a review or revocation finds the one
 * stream to load without an index that could lag or be written half.
 */
export function creditId(personId: string, suffix: string): string {
  return `${personId}:${suffix}`;
}

export function personOfCredit(id: string): string | undefined {
  const at = id.lastIndexOf(':');
  return at > 0 ? id.slice(0, at) : undefined;
}
