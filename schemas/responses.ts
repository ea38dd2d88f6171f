import { z } from 'zod';

/** `{error: {code, message, details}}`: every 4xx/5xx body. */
export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** What every accepted write answers: where the fact landed. Revisions and positions are decimal strings (uint64). */
export const WriteResponse = z
  .object({
    streamId: z.string(),
    revision: z.string(),
    position: z.string(),
    creditId: z.string().optional(),
    enrolmentId: z.string().optional(),
  })
  .passthrough();

export const BatchItemResponse = z.object({
  index: z.number().int(),
  status: z.enum(['recorded', 'duplicate', 'rejected']),
  creditId: z.string().optional(),
  position: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string(), ruleId: z.string().optional(), details: z.unknown().optional() }).optional(),
});

export const BatchResponse = z.object({
  recorded: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  results: z.array(BatchItemResponse),
});
