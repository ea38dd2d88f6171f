import { ZodError } from 'zod';
import { ConfigError } from '../config/config.js';
import { UsageError } from './args.js';

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
  backup: () => import('./commands/backup.js'),
  restore: () => import('./commands/restore.js'),
  witness: () => import('./commands/witness.js'),
};

export const COMMAND_NAMES = Object.keys(COMMANDS);

const COMMON_HELP = 'every command also takes --data-dir DIR, --store sqlite|esdb, --log-level L, and -h/--help (prints this and does nothing else)';

const asksForHelp = (argv: string[]) => argv.some((a) => a === '--help' || a === '-h');

/** The ledger command: the exit code of `argv` (without `node` and the script). */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name ? COMMANDS[name] : undefined;
  if (!load) {
    const usages = await Promise.all(Object.values(COMMANDS).map(async (l) => `  ${(await l()).usage}`));
    const help = name === undefined || name === '--help' || name === '-h' || name === 'help';
    process.stderr.write(`${help ? '' : `ledger: no command ${JSON.stringify(name)}\n`}usage:\n${usages.join('\n')}\n${COMMON_HELP}\n`);
    return help ? 0 : 2;
  }
  const command = await load();
  // Before the command runs anything: `gen --help` must not generate, nor `rebuild --help` rebuild.
  if (asksForHelp(rest)) {
    process.stdout.write(`usage: ${command.usage}\n${COMMON_HELP}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof ZodError || String((err as { code?: string }).code).startsWith('ERR_PARSE_ARGS')) {
      const sentence = err instanceof ZodError ? err.issues.map((i) => `${i.path.join('.') || 'argument'}: ${i.message}`).join('; ') : (err as Error).message;
      process.stderr.write(`ledger ${name}: ${sentence}\nusage: ${command.usage}\n`);
      return 2;
    }
    // Another process owns the data dir: its message names the holder's PID.
    if ((err as Error).name === 'DataDirLocked') {
      process.stderr.write(`${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  }
}

