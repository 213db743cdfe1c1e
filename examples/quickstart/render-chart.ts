// Renders the root README's chart: S0's trace in the simulator, through the policy of the README's first snippet,
// as SVG and (with Chromium) PNG. `pnpm --filter @fleet/example-quickstart chart`
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ceilTarget, s0Trace, simulate } from '@fleet/core';
import { hasChromium, screenshot } from './chromium.js';

const { name, ...trace } = s0Trace;
// The README snippet's numbers; the trace names its queue depth `pending` where the snippet's queue says `ready`.
const policy = ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, downDivisor: 7.5 });
const result = await simulate({ ...trace, autoscaler: { policy, min: 1, max: 10, cooldown: { down: 60_000 } } });
const svg = join(tmpdir(), 's0-chart.svg');
const png = new URL('./s0-chart.png', import.meta.url).pathname;
writeFileSync(svg, result.svg({ title: 'Two bursts through ceilTarget (perWorker 5, up above 8, down below 2), 1–10 workers' }));
if (hasChromium()) await screenshot(svg, png);
console.log(hasChromium() ? `${svg}\n${png}` : `${svg} (no /usr/bin/chromium: no PNG; run scripts/install-chromium.sh)`);
