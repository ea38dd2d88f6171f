import { RecordCompletion } from '../../../schemas/commands.js';
import type { RecordCompletionCommand } from '../../../schemas/commands.js';
import type { CommandContext } from '../handle.js';
import { load } from '../handle.js';
import type { Rejection } from '../result.js';
import { evolveCourse, initialCourse } from '../state/course.js';
import type { CourseState } from '../state/course.js';
import { streams } from '../streams.js';
import { recordCompletion } from './credits.js';

export type BatchItemResult =
  | { index: number; status: 'recorded'; creditId: string; position: string }
  | { index: number; status: 'duplicate'; creditId: string }
  | { index: number; status: 'rejected'; error: Rejection };

const PERSONS_IN_FLIGHT = 64;

/**
 * Records the valid items of a batch and explains the others. Items of one person run in order
 * (one stream); persons run concurrently so the store's group commit folds their appends into few
 * transactions. A replayed batch finds every item already there and records nothing twice.
 */
export async function recordCompletionsBatch(ctx: CommandContext, items: unknown[]): Promise<BatchItemResult[]> {
  const results: BatchItemResult[] = new Array(items.length);
  const byPerson = new Map<string, { index: number; cmd: RecordCompletionCommand }[]>();
  for (const [index, raw] of items.entries()) {
    const parsed = RecordCompletion.safeParse(raw);
    if (!parsed.success) {
      results[index] = {
        index,
        status: 'rejected',
        error: {
          code: 'VALIDATION_FAILED',
          message: 'the item does not match the schema',
          details: parsed.error.issues.map((i) => ({ path: ['items', index, ...i.path].join('.'), message: i.message })),
        },
      };
      continue;
    }
    const list = byPerson.get(parsed.data.personId) ?? [];
    list.push({ index, cmd: parsed.data });
    byPerson.set(parsed.data.personId, list);
  }

  const courses = new Map<string, Promise<CourseState>>();
  const course = (id: string) => {
    let c = courses.get(id);
    if (!c) {
      c = load(ctx.store, streams.course(id), () => initialCourse, evolveCourse).then((l) => l.state);
      courses.set(id, c);
    }
    return c;
  };

  const queue = [...byPerson.values()];
  const worker = async () => {
    for (let list = queue.shift(); list; list = queue.shift()) {
      for (const { index, cmd } of list) {
        const perItem: CommandContext = { ...ctx, ...(ctx.idempotencyKey ? { idempotencyKey: `${ctx.idempotencyKey}:${index}` } : {}) };
        const outcome = await recordCompletion(perItem, cmd, await course(cmd.courseId));
        if (outcome.ok) {
          results[index] = { index, status: 'recorded', creditId: outcome.creditId, position: outcome.position.toString() };
        } else if ((outcome.rejection.details as { duplicate?: boolean } | undefined)?.duplicate) {
          results[index] = { index, status: 'duplicate', creditId: (outcome.rejection.details as { creditId: string }).creditId };
        } else {
          results[index] = { index, status: 'rejected', error: outcome.rejection };
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PERSONS_IN_FLIGHT, queue.length) }, worker));
  return results;
}
