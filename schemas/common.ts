import { z } from 'zod';

export const JURISDICTIONS = ['zhengzhou', 'suzhou', 'sichuan', 'shantou', 'fuzhou'] as const;
export const Jurisdiction = z.enum(JURISDICTIONS);
export type Jurisdiction = z.infer<typeof Jurisdiction>;

export const TITLE_LEVELS = ['junior', 'intermediate', 'deputy-senior', 'senior'] as const;
export const TitleLevel = z.enum(TITLE_LEVELS);
export type TitleLevel = z.infer<typeof TitleLevel>;

export const CATEGORIES = ['public', 'professional', 'elective'] as const;
export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

export const CONVERSION_KINDS = [
  'paper-provincial',
  'paper-national',
  'monograph',
  'award-provincial',
  'award-national',
  'self-study',
  'publication',
  'credits',
  'other',
] as const;
export const ConversionKind = z.enum(CONVERSION_KINDS);
export type ConversionKind = z.infer<typeof ConversionKind>;

/** Administrative level of a bureau, an institution or a course's organiser (ZZ-6, ZZ-7, FZ-6). */
export const AdminLevel = z.enum(['province', 'city', 'county']);
export type AdminLevel = z.infer<typeof AdminLevel>;

export const ROLES = ['bureau', 'institution', 'employer', 'professional', 'auditor', 'reporting'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Why a person takes a course; ST-5 training windows depend on it. */
export const Purpose = z.enum(['promotion', 'appointment', 'general']);
export type Purpose = z.infer<typeof Purpose>;

/** ST-13's five forbidden acts (伪造、变造、出租、出借、转让), a credit obtained by fraud, and an error of issue. */
export const CertificateRevocationReason = z.enum(['forged', 'altered', 'rented-out', 'lent', 'transferred', 'fraudulent-credit', 'error']);
export type CertificateRevocationReason = z.infer<typeof CertificateRevocationReason>;

function isCalendarDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** A calendar date in Beijing time, `YYYY-MM-DD`. */
export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(isCalendarDate, 'not a calendar date');
export type LocalDate = z.infer<typeof LocalDate>;

export const Year = z.number().int().min(2000).max(2100);

/** Identifiers chosen by clients: readable, safe inside a stream id. */
export const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (1..64)');

/**
 * An id a client gives a new record or names in a request: an `Id` that neither is nor holds an
 * 18-character resident ID number, since ids reach stream names, URLs and logs (a personId is the
 * usual place someone would put one).
 */
export const RecordId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (1..64)')
  .regex(/^(?!.*\d{17}[\dXx])/, 'must not be or hold a resident ID number: ids are not secret');

/** `{personId}:{suffix}`: a credit names the person whose stream holds it. */
export const CreditId = z
  .string()
  .max(140)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}:[A-Za-z0-9][A-Za-z0-9_.-]{0,71}$/, 'expected {personId}:{suffix}');

export const Hours = z.number().positive().max(1000).multipleOf(0.5);

/** Who wrote an event: a reporting consumer only reads, so it is never one. */
export const Actor = z.object({ role: Role.exclude(['reporting']).or(z.literal('system')), id: z.string().min(1) });
export type Actor = z.infer<typeof Actor>;

/** C0 and C1 controls (tab, newline and carriage return among them), and U+FEFF (a stray byte-order mark). */
const CONTROLS = /[\p{Cc}\ufeff]/gu;
/** The same but newline, in text that may span lines (a reason, a note); CR LF and CR become LF first. */
const CONTROLS_BUT_NEWLINE = /(?!\n)[\p{Cc}\ufeff]/gu;
/** Bidirectional embeddings, overrides, isolates and marks: they can make a name display as another. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** A UTF-16 surrogate without its pair: not a character, and not representable in UTF-8. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Text a person typed: a name, a title, a reason. Refused when it holds a lone surrogate; then
 * NFC-normalised (one spelling for the same characters, so equal names compare equal), cleaned of
 * control and bidi characters and trimmed; blank or longer than `max` characters after that is refused.
 */
export function Text(max: number, options: { multiline?: boolean } = {}) {
  const controls = options.multiline ? CONTROLS_BUT_NEWLINE : CONTROLS;
  return z
    .string()
    .max(max * 4)
    .refine((s) => !LONE_SURROGATE.test(s), { message: 'not valid Unicode text (a lone surrogate)', abort: true })
    .overwrite((s) => (options.multiline ? s.replace(/\r\n?/g, '\n') : s).normalize('NFC').replace(controls, '').replace(BIDI, '').trim())
    .min(1, 'must not be blank')
    .max(max);
}
