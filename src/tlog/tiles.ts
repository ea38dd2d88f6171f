/** C2SP tlog-tiles: tiles of height 8, so each holds up to 256 hashes of one level of tiles. */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const HASH_SIZE = 32;

/** `1234067` → `x001/x234/067`: each group of three digits, all but the last prefixed with `x`. */
export function encodeTileIndex(index: number): string {
  const digits = String(index);
  const padded = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups = padded.match(/\d{3}/g)!;
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** `tile/<L>/<N>[.p/<W>]` (L may be `entries`), relative to the log's prefix. */
export function tilePath(level: number | 'entries', index: number, width = TILE_WIDTH): string {
  return `tile/${level}/${encodeTileIndex(index)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

export interface TileAddress {
  level: number | 'entries';
  index: number;
  /** 256 for a full tile. */
  width: number;
}

/** Parses the part of a tile path after `tile/`; undefined for anything not in the layout. */
export function parseTilePath(rest: string): TileAddress | undefined {
  const m = /^(entries|\d{1,2})\/((?:x\d{3}\/)*)(\d{3})(?:\.p\/(\d{1,3}))?$/.exec(rest);
  if (!m) return undefined;
  const index = Number((m[2]!.replaceAll('x', '').replaceAll('/', '') + m[3]!).replace(/^0+(?=\d)/, ''));
  const groups = m[2]!.length / 5 + 1;
  // The shortest encoding only: `x000/001` is not a name of tile 1.
  if (groups > 1 && m[2]!.startsWith('x000')) return undefined;
  const width = m[4] === undefined ? TILE_WIDTH : Number(m[4]);
  if (width < 1 || width >= TILE_WIDTH + (m[4] === undefined ? 1 : 0) || !Number.isSafeInteger(index)) return undefined;
  return { level: m[1] === 'entries' ? 'entries' : Number(m[1]), index, width };
}
