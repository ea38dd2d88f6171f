import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { decodeCursor, JsonPage } from '../../projections/paging.js';
import type { CursorKey, Page } from '../../projections/paging.js';
import { csvText } from './csv.js';

const ITEMS_OPEN = Buffer.from('{"items":[');

/** A CSV export holds the whole list (what an office prints), up to this many rows. */
const CSV_MAX_ROWS = 200_000;
const CSV_PAGE = 1_000;

/** The paging and format parameters every list takes; `arity` is the length of its sort key. */
export function listQuery(arity: number) {
  return z.object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z
      .string()
      .max(600)
      .transform((c, ctx) => {
        const key = decodeCursor(c, arity);
        if (!key) ctx.addIssue({ code: 'custom', message: 'not a cursor of this list: pass nextCursor of the previous page as it was' });
        return key ?? [];
      })
      .optional(),
    format: z.enum(['json', 'csv']).default('json'),
    minPosition: z.string().regex(/^\d{1,20}$/).optional(),
  });
}

/** The JSON shape of a page: `nextCursor` goes back as `cursor` for the next one. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable(), asOfPosition: z.string() });
}

export interface CsvColumns<T> {
  filename: string;
  columns: readonly (readonly [header: string, value: (item: T) => string | number | boolean | null | undefined])[];
}

/**
 * Answers a list: one page as JSON, or, as CSV, every page from the cursor on (UTF-8 with a BOM so
 * that Excel shows Chinese names). `fetch` reads one page after a key, here or on a reader thread.
 */
export async function sendList<T>(
  reply: FastifyReply,
  q: { limit: number; cursor?: CursorKey | undefined; format: 'json' | 'csv' },
  fetch: (limit: number, after: CursorKey | undefined) => Page<T> | Promise<Page<T>>,
  csv: CsvColumns<T>,
  asOfPosition: bigint,
) {
  if (q.format === 'json') {
    const page = await fetch(q.limit, q.cursor);
    if (!(page instanceof JsonPage)) return { items: page.items, nextCursor: page.nextCursor, asOfPosition: asOfPosition.toString() };
    // The items are the read model's JSON text, written in the response schema's shape (a test holds
    // each list's answers to their schema): their bytes as SQLite joined them, not parsed and encoded again.
    const tail = `],"nextCursor":${JSON.stringify(page.nextCursor)},"asOfPosition":"${asOfPosition}"}`;
    return reply.type('application/json; charset=utf-8').send(Buffer.concat([ITEMS_OPEN, page.joined, Buffer.from(tail, 'utf8')]));
  }
  const items: T[] = [];
  let after = q.cursor;
  for (;;) {
    const page = await fetch(CSV_PAGE, after);
    items.push(...page.items);
    if (!page.nextKey || items.length >= CSV_MAX_ROWS) break;
    after = page.nextKey;
  }
  const text = csvText(
    csv.columns.map(([h]) => h),
    items.map((item) => csv.columns.map(([, v]) => v(item))),
  );
  // A Buffer bypasses the route's JSON response schema: this answer is text/csv.
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${csv.filename}.csv"`).send(Buffer.from(text, 'utf8'));
}
