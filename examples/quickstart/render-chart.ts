// Renders the README's chart: S0's trace through the recommended default, as SVG and (with Chromium) PNG.
// `pnpm --filter @fleet/example-quickstart chart`
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recommendedScaling, s0Trace, simulate } from '@fleet/core';
import { hasChromium, screenshot } from './chromium.js';

const { name, ...trace } = s0Trace;
const result = await simulate({ ...trace, autoscaler: recommendedScaling({ metric: 'pending', max: 10 }) });
const svg = join(tmpdir(), 's0-chart.svg');
const png = new URL('./s0-chart.png', import.meta.url).pathname;
writeFileSync(svg, result.svg({ title: 'S0 trace, recommendedScaling: queue depth and workers' }));
if (hasChromium()) await screenshot(svg, png);
console.log(hasChromium() ? `${svg}\n${png}` : `${svg} (no /usr/bin/chromium: no PNG; run scripts/install-chromium.sh)`);
