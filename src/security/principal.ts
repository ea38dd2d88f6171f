import { z } from 'zod';
import { AdminLevel, Jurisdiction, JURISDICTIONS, Role } from '../../schemas/common.js';

/** Who a bearer token speaks for. */
export const Principal = z
  .object({
    role: Role,
    sub: z.string().min(1),
    jurisdiction: Jurisdiction.optional(),
    /** Level of a bureau (ZZ-7, FZ-6: who may stamp what). */
    level: AdminLevel.optional(),
    /** What a reporting consumer may read of the event feed. */
    jurisdictions: z.array(Jurisdiction).min(1).max(JURISDICTIONS.length).optional(),
  })
  .refine((p) => p.role !== 'bureau' || p.jurisdiction !== undefined, { message: 'a bureau token names its jurisdiction', path: ['jurisdiction'] })
  .refine((p) => p.role !== 'reporting' || p.jurisdictions !== undefined, { message: 'a reporting token names its jurisdictions', path: ['jurisdictions'] });
export type Principal = z.infer<typeof Principal>;
