/** The service's notion of now; injected so tests and replays are deterministic. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The calendar date (`YYYY-MM-DD`) in Beijing (UTC+8, no daylight saving) at an instant. */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant Beijing's calendar day `date` ends (exclusive), for as-of queries by date. */
export function endOfBeijingDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - BEIJING_OFFSET_MS + 24 * 60 * 60 * 1000);
}
