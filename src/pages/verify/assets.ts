import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { STRINGS } from './strings.js';
import type { Lang } from './strings.js';

export interface Asset {
  /** The path it is served at, with a digest of its content: a new version gets a new URL, so browsers may keep each for long. */
  path: string;
  body: Buffer;
  type: string;
}

export interface PageAssetSet {
  /** The script, one per language: the page's words come with it, so the page itself stays small. */
  scripts: Record<Lang, Asset>;
  style: Asset;
}

function asset(name: string, ext: string, type: string, body: Buffer): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
  return { path: `/v/assets/${name}.${hash}.${ext}`, body, type };
}

/** The page's script and styles, read once from the files beside this module (the build copies them next to its output). */
export function loadAssets(): PageAssetSet {
  const file = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url));
  const script = file('verify.js').toString('utf8');
  const scriptFor = (lang: Lang) =>
    asset(`verify.${lang}`, 'js', 'text/javascript; charset=utf-8', Buffer.from(`globalThis.celedgerStrings = ${JSON.stringify({ lang, ...STRINGS[lang] })};\n${script}`));
  return { scripts: { zh: scriptFor('zh'), en: scriptFor('en') }, style: asset('verify', 'css', 'text/css; charset=utf-8', file('verify.css')) };
}
