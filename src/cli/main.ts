#!/usr/bin/env node
import { ZodError } from 'zod';
import { ConfigError } from '../config/config.js';

interface Command {
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** Each command lives in its own module and is loaded only when asked for. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: () => import('./commands/serve.js'),
  rebuild: () => import('./commands/rebuild.js'),
  gen: () => import('./commands/gen.js'),
  audit: () => import('./commands/audit.js'),
  'bureau-data': () => import('./commands/bureau-data.js'),
  keys: () => import('./commands/keys.js'),
  schemas: () => import('./commands/schemas.js'),
  token: () => import('./commands/token.js'),
  'verify-chain': () => import('./commands/verify-chain.js'),
  witness: () => import('./commands/witness.js'),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name ? COMMANDS[name] : undefined;
  if (!load) {
    const usages = await Promise.all(Object.values(COMMANDS).map(async (l) => `  ${(await l()).usage}`));
    process.stderr.write(`usage:\n${usages.join('\n')}\n`);
    return name && name !== '--help' && name !== 'help' ? 2 : 0;
  }
  return (await load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if ((err as Error).name === 'DataDirLocked') {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exitCode = 1;
    } else if (err instanceof ConfigError || err instanceof ZodError || String((err as { code?: string }).code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
