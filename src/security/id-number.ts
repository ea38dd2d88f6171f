import { createHmac } from 'node:crypto';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** Upper-cases the check character and trims; the only normalisation a PRC ID number needs. */
export function normaliseIdNumber(raw: string): string {
  return raw.trim().toUpperCase();
}

/**
 * Whether a string is a well-formed 18-character PRC resident ID number (GB 11643-1999): 17 digits,
 * a real birth date, and the ISO 7064 MOD 11-2 check character.
 */
export function isValidIdNumber(raw: string): boolean {
  const id = normaliseIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const d = new Date(`${birth}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== birth) return false;
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return CHECK[sum % 11] === id[17];
}

/** `4101**********1234`: the first four and last four characters, as printed on bureau forms. */
export function maskIdNumber(raw: string): string {
  const id = normaliseIdNumber(raw);
  return `${id.slice(0, 4)}${'*'.repeat(Math.max(0, id.length - 8))}${id.slice(-4)}`;
}

/** HMAC-SHA256 under the service's pepper: comparable, but useless without the pepper. */
export function hashIdNumber(pepper: Buffer, raw: string): string {
  return createHmac('sha256', pepper).update(normaliseIdNumber(raw)).digest('hex');
}

export interface ProtectedId {
  hash: string;
  masked: string;
}

export function protectIdNumber(pepper: Buffer, raw: string): ProtectedId {
  return { hash: hashIdNumber(pepper, raw), masked: maskIdNumber(raw) };
}

/** A Chinese name shown to verifiers: the family name and asterisks (张** for 张三丰). */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  return chars[0] + '*'.repeat(chars.length - 1);
}
