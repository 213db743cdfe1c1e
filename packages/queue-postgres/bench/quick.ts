import { startPostgres } from '../dist/testing/index.js';
import { ours } from './ours.js';
import { raw } from './raw.js';

const server = await startPostgres();
try {
  for (const s of [ours(server.url), raw(server.url)]) {
    for (const [batch, n] of [
      ['batch-1', 1],
      ['batch-1', 16],
      ['batch-default', 4],
    ] as const) {
      await s.prepare(20_000);
      const d = await s.drain(batch, n, 20_000, 5_000);
      console.log(s.name, batch, n, Math.round((d.jobs / d.ms) * 1000), 'jobs/s');
    }
    await s.close();
  }
} finally {
  await server.destroy();
}
