import type { Jurisdiction } from '../../schemas/common.js';

const PREFIX: Record<Jurisdiction, string> = { zhengzhou: 'ZZ', suzhou: 'SZ', sichuan: 'SC', shantou: 'ST', fuzhou: 'FZ' };
const BY_PREFIX = Object.fromEntries(Object.entries(PREFIX).map(([j, p]) => [p, j as Jurisdiction]));

/** `ZZ-2014-000123`: unique per jurisdiction and year, in issue order. */
export function certificateNumber(jurisdiction: Jurisdiction, year: number, sequence: number): string {
  return `${PREFIX[jurisdiction]}-${year}-${String(sequence).padStart(6, '0')}`;
}

export function parseCertificateNumber(no: string): { jurisdiction: Jurisdiction; year: number; sequence: number } | undefined {
  const m = /^([A-Z]{2})-(\d{4})-(\d{6})$/.exec(no);
  const jurisdiction = m ? BY_PREFIX[m[1]!] : undefined;
  if (!m || !jurisdiction) return undefined;
  return { jurisdiction, year: Number(m[2]), sequence: Number(m[3]) };
}

