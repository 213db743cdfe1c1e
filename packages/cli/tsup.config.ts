import { defineConfig } from 'tsup';

// ESM only: the CLI is a program, and its library entry is ESM that Node (>= 20.19) can also require().
export default defineConfig([
  { entry: { index: 'src/index.ts' }, format: ['esm'], dts: true, clean: true, sourcemap: true, target: 'node20' },
  { entry: { bin: 'src/bin.ts' }, format: ['esm'], sourcemap: true, target: 'node20', banner: { js: '#!/usr/bin/env node' } },
]);
