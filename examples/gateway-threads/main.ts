// S3: `pnpm --filter @fleet/example-gateway-threads start`. A minute of traffic that rises and falls.
import { startGateway } from './gateway.js';

const gateway = await startGateway({ intervalMs: 2_000, cooldown: { up: 4_000, down: 8_000 }, metricsEveryMs: 2_000 });
gateway.scaler.on('decision', (d) => d.action !== 'hold' && console.log(`${d.from} → ${d.to}  ${d.reason}`));
const started = Date.now();
const busy = () => Date.now() - started < 30_000;
// 30 s of bursts (40 messages at a time, 15 ms of CPU each), then 30 s of a trickle.
while (Date.now() - started < 60_000) {
  await Promise.all(Array.from({ length: busy() ? 40 : 1 }, () => gateway.handle({ cpuMs: busy() ? 15 : 1, ioMs: 5 })));
  await new Promise((r) => setTimeout(r, busy() ? 10 : 200));
}
await gateway.stop();
