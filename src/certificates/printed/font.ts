import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { create } from 'fontkit';
import type { Font } from 'fontkit';

/**
 * Noto Sans SC (TrueType outlines, OFL) from the `@expo-google-fonts/noto-sans-sc` package, so that
 * a clean `npm ci` has it without any system font; PDFKit embeds the subset of glyphs a
 * certificate uses, and the PDF renders on a reader's machine that has no Chinese font.
 */
const packageDir = dirname(createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/package.json'));

export const FONT_FILES = {
  regular: join(packageDir, '400Regular', 'NotoSansSC_400Regular.ttf'),
  bold: join(packageDir, '700Bold', 'NotoSansSC_700Bold.ttf'),
} as const;

function open(file: string): Font {
  const font = create(readFileSync(file));
  if (!('layout' in font)) throw new Error(`${file} is a font collection, not a font`);
  return font;
}

let loaded: { regular: Font; bold: Font } | undefined;

/**
 * The fonts parsed once and kept for every certificate after: PDFKit takes a parsed font as it is,
 * and parsing a 10 MB CJK font and its shaping tables anew for each document cost most of its time.
 */
export function fonts(): { regular: Font; bold: Font } {
  loaded ??= { regular: open(FONT_FILES.regular), bold: open(FONT_FILES.bold) };
  return loaded;
}
