import type { z } from 'zod';
import type { BureauDataFile, ListPublicSubjects, RecordHolidayTable, RecordPastYearCatalogue } from '../../../schemas/commands.js';
import { canonicalJson } from '../../store/integrity.js';
import type { Json } from '../../store/port.js';
import type { Outcome } from '../result.js';
import type { Jurisdiction } from '../../../schemas/common.js';
import type { DomainEvent } from '../../../schemas/events.js';
import { subjectKey } from '../../rules/catalogue.js';
import { beijingDate } from '../../time/clock.js';
import { checkScope } from '../authorize.js';
import { execute } from '../handle.js';
import type { CommandContext, Draft } from '../handle.js';
import { accept, reject } from '../result.js';
import { streams } from '../streams.js';

type FieldError = { path: string; message: string };

const invalid = (details: FieldError[]) => reject('VALIDATION_FAILED', 'the request does not match the schema', { details });

/** What a fact of a bureau's data replaces (a year's list, the catalogue, a year's table), and its content without the date it was recorded. */
function slotOf(e: DomainEvent): [slot: string, content: string] | undefined {
  switch (e.type) {
    case 'PublicSubjectsListed': {
      const { listedOn: _on, ...content } = e.data;
      return [`public-subjects:${e.data.year}`, canonicalJson(content as unknown as Json)];
    }
    case 'PastYearCatalogueRecorded': {
      const { recordedOn: _on, ...content } = e.data;
      return ['past-years', canonicalJson(content as unknown as Json)];
    }
    case 'HolidayTableRecorded': {
      const { recordedOn: _on, source: _source, ...content } = e.data;
      return [`holidays:${e.data.year}`, canonicalJson(content as unknown as Json)];
    }
    default:
      return undefined;
  }
}

const evolveSlots = (s: Map<string, string>, e: DomainEvent) => {
  const slot = slotOf(e);
  if (slot) s.set(slot[0], slot[1]);
  return s;
};

/** Appends one fact of a bureau's data, unless the same content already stands in its place (a re-run adds nothing). */
function recordData(ctx: CommandContext, streamId: string, draft: Draft) {
  const [slot, content] = slotOf(draft)!;
  return execute(ctx, {
    streamId,
    initial: () => new Map<string, string>(),
    evolve: evolveSlots,
    decide: ({ state }) => (state.get(slot) === content ? accept() : accept(draft)),
  });
}

function duplicateTitles(titles: string[], path: (i: number) => string): FieldError[] {
  const seen = new Set<string>();
  return titles.flatMap((t, i) => {
    const key = subjectKey(t);
    if (seen.has(key)) return [{ path: path(i), message: `《${key}》 is listed twice` }];
    seen.add(key);
    return [];
  });
}

/** ST-2: the bureau lists a year's public subjects (a later listing of the same year replaces it). */
export function listPublicSubjects(ctx: CommandContext, jurisdiction: Jurisdiction, year: number, cmd: z.infer<typeof ListPublicSubjects>) {
  const denied = checkScope(ctx.actor, ['bureau'], { jurisdiction });
  if (denied) return Promise.resolve(denied);
  const dup = duplicateTitles(cmd.subjects.map((s) => s.title), (i) => `body.subjects.${i}.title`);
  if (dup.length > 0) return Promise.resolve(invalid(dup));
  return recordData(ctx, streams.catalogue(jurisdiction), {
    type: 'PublicSubjectsListed',
    data: { jurisdiction, year, subjects: cmd.subjects, listedOn: cmd.listedOn ?? beijingDate(ctx.clock()) },
  });
}

/** ST-3: the bureau records the past-year catalogue; public and professional subjects name their year. */
export function recordPastYearCatalogue(ctx: CommandContext, jurisdiction: Jurisdiction, cmd: z.infer<typeof RecordPastYearCatalogue>) {
  const denied = checkScope(ctx.actor, ['bureau'], { jurisdiction });
  if (denied) return Promise.resolve(denied);
  const errors: FieldError[] = cmd.subjects.flatMap((s, i) =>
    s.category !== 'elective' && s.year === undefined ? [{ path: `body.subjects.${i}.year`, message: `a past-year ${s.category} subject names the year it belongs to` }] : [],
  );
  for (const category of ['public', 'professional', 'elective'] as const) {
    const indexes = cmd.subjects.flatMap((s, i) => (s.category === category ? [i] : []));
    errors.push(...duplicateTitles(indexes.map((i) => cmd.subjects[i]!.title), (k) => `body.subjects.${indexes[k]}.title`));
  }
  if (errors.length > 0) return Promise.resolve(invalid(errors));
  return recordData(ctx, streams.catalogue(jurisdiction), {
    type: 'PastYearCatalogueRecorded',
    data: { jurisdiction, subjects: cmd.subjects, recordedOn: cmd.recordedOn ?? beijingDate(ctx.clock()) },
  });
}

const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

/**
 * A year's holidays and adjusted working days, as the State Council's notice gives them: the
 * calendar is national, so any bureau records it. Every date falls in the year; an adjusted working
 * day is a Saturday or Sunday made a working day, and no day is both.
 */
export function recordHolidayTable(ctx: CommandContext, year: number, cmd: z.infer<typeof RecordHolidayTable>) {
  if (ctx.actor.role !== 'bureau') return Promise.resolve(reject('FORBIDDEN', `role ${ctx.actor.role} may not do this`));
  const errors: FieldError[] = [];
  const holidays = new Set(cmd.holidays);
  cmd.holidays.forEach((d, i) => {
    if (!d.startsWith(`${year}-`)) errors.push({ path: `body.holidays.${i}`, message: `${d} is not in ${year}` });
  });
  cmd.workdays.forEach((d, i) => {
    if (!d.startsWith(`${year}-`)) errors.push({ path: `body.workdays.${i}`, message: `${d} is not in ${year}` });
    else if (weekday(d) !== 0 && weekday(d) !== 6) errors.push({ path: `body.workdays.${i}`, message: `${d} is a weekday: an adjusted working day (调休) is a Saturday or Sunday` });
    else if (holidays.has(d)) errors.push({ path: `body.workdays.${i}`, message: `${d} is listed as a holiday too` });
  });
  if (errors.length > 0) return Promise.resolve(invalid(errors));
  return recordData(ctx, streams.calendar(year), {
    type: 'HolidayTableRecorded',
    data: {
      year,
      holidays: [...holidays].sort(),
      workdays: [...new Set(cmd.workdays)].sort(),
      ...(cmd.source ? { source: cmd.source } : {}),
      recordedOn: beijingDate(ctx.clock()),
    },
  });
}

/** Records a bureau's data file, step by step, stopping at the first refusal; running the same file again appends nothing. */
export async function recordBureauData(ctx: CommandContext, file: z.infer<typeof BureauDataFile>): Promise<{ ok: true; recorded: number } | { ok: false; step: string; outcome: Outcome }> {
  const steps: [string, (c: CommandContext) => Promise<Outcome>][] = [
    ...file.publicSubjects.map(({ year, ...body }) => [`public subjects of ${year}`, (c: CommandContext) => listPublicSubjects(c, file.jurisdiction, year, body)] as [string, (c: CommandContext) => Promise<Outcome>]),
    ...(file.pastYearCatalogue ? [['past-year catalogue', (c: CommandContext) => recordPastYearCatalogue(c, file.jurisdiction, file.pastYearCatalogue!)] as [string, (c: CommandContext) => Promise<Outcome>]] : []),
    ...file.holidayTables.map(({ year, ...body }) => [`holiday table of ${year}`, (c: CommandContext) => recordHolidayTable(c, year, body)] as [string, (c: CommandContext) => Promise<Outcome>]),
  ];
  for (const [step, run] of steps) {
    const outcome = await run(ctx);
    if (!outcome.ok) return { ok: false, step, outcome };
  }
  return { ok: true, recorded: steps.length };
}
