import { Worker } from 'node:worker_threads';

/**
 * A worker thread running the module `name` beside the caller (`from` is its import.meta.url).
 * Compiled, that module is plain JavaScript. Run from the TypeScript sources (the tests), a worker
 * does not inherit the tsx loader, so it registers tsx itself before importing its entry.
 */
export function startThread(from: string, name: string, workerData?: unknown): Worker {
  const fromSource = from.endsWith('.ts');
  const entry = new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, from);
  if (!fromSource) return new Worker(entry, { workerData });
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
