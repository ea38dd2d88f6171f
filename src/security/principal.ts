import { z } from 'zod';
import { AdminLevel, Jurisdiction, Role } from '../../schemas/common.js';

/** Who a bearer token speaks for. */
export const Principal = z
  .object({
    role: Role,
    sub: z.string().min(1),
    jurisdiction: Jurisdiction.optional(),
    /** Level of a bureau (ZZ-7, FZ-6: who may stamp what). */
    level: AdminLevel.optional(),
  })
  .refine((p) => p.role !== 'bureau' || p.jurisdiction !== undefined, { message: 'a bureau token names its jurisdiction', path: ['jurisdiction'] });
export type Principal = z.infer<typeof Principal>;
