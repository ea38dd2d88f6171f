import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface Asset {
  /** The path it is served at, with a digest of its content: a new version gets a new URL, so browsers may keep each for long. */
  path: string;
  body: Buffer;
  type: string;
}

/** The page's script and styles, read once from the files beside this module (the build copies them next to its output). */
export function loadAssets(): { script: Asset; style: Asset } {
  const load = (name: string, ext: string, type: string): Asset => {
    const body = readFileSync(new URL(`./assets/${name}.${ext}`, import.meta.url));
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
    return { path: `/v/assets/${name}.${hash}.${ext}`, body, type };
  };
  return { script: load('verify', 'js', 'text/javascript; charset=utf-8'), style: load('verify', 'css', 'text/css; charset=utf-8') };
}
