import type { WorkspacePackage } from './packages.js';
import { entryPoints } from './packages.js';

/** An ES module that imports every public entry and checks each has exports. */
export function esmConsumer(packages: WorkspacePackage[]): string {
  const entries = packages.flatMap(entryPoints);
  return [
    ...entries.map((e, i) => `import * as m${i} from '${e}';`),
    `const entries = { ${entries.map((e, i) => `'${e}': m${i}`).join(', ')} };`,
    `for (const [name, mod] of Object.entries(entries)) if (Object.keys(mod).length === 0) throw new Error(name + ' has no exports');`,
    `console.log('esm ok: ' + Object.keys(entries).join(' '));`,
  ].join('\n');
}

/** A CommonJS script that requires every public entry. */
export function cjsConsumer(packages: WorkspacePackage[]): string {
  const entries = packages.flatMap(entryPoints);
  return [
    `const entries = ${JSON.stringify(entries)};`,
    `for (const name of entries) {`,
    `  const mod = require(name);`,
    `  if (Object.keys(mod).length === 0) throw new Error(name + ' has no exports');`,
    `  const file = require.resolve(name);`,
    `  if (!file.startsWith(__dirname)) throw new Error(name + ' resolved outside the project: ' + file);`,
    `}`,
    `console.log('cjs ok: ' + entries.join(' '));`,
  ].join('\n');
}

/** A TypeScript module that uses the types of every entry, and runs a tick of core end to end. */
export function tsConsumer(packages: WorkspacePackage[]): string {
  const entries = packages.flatMap(entryPoints);
  return [
    `import { Autoscaler, ceilTarget, type Decision } from '@fleet/core';`,
    `import { FakeClock, fixedMetric, memoryProvider } from '@fleet/core/testing';`,
    ...entries.map((e, i) => `import * as m${i} from '${e}';`),
    `export const all = [${entries.map((_, i) => `m${i}`).join(', ')}];`,
    `const clock = new FakeClock();`,
    `const scaler = new Autoscaler({`,
    `  clock, metrics: fixedMetric({ pending: 16 }), provider: memoryProvider({ clock, initial: 1 }), max: 10,`,
    `  policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 }),`,
    `});`,
    `export const decision: Promise<Decision> = scaler.evaluate();`,
  ].join('\n');
}

/** A tsconfig for the TypeScript consumer under one module resolution. */
export function tsconfig(resolution: 'node16' | 'bundler'): string {
  const module = resolution === 'node16' ? 'node16' : 'esnext';
  return JSON.stringify({
    compilerOptions: { target: 'es2022', module, moduleResolution: resolution, strict: true, noEmit: true, types: ['node'] },
    files: ['consumer.ts'],
  });
}
