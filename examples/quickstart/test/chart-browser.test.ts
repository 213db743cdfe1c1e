import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constantArrivals, recommendedScaling, type SimulationResult, s0Trace, simulate } from '@fleet/core';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium, hasChromium, screenshot } from '../chromium.js';

// In CI a missing browser fails (scripts/install-chromium.sh installs it); elsewhere the tests skip, saying why.
if (!hasChromium() && !process.env.CI)
  console.warn('chart-browser: /usr/bin/chromium is missing: skipped (run scripts/install-chromium.sh)');
const browserIt = hasChromium() || process.env.CI ? it : it.skip;
const dir = mkdtempSync(join(tmpdir(), 'fleet-chart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const autoscaler = recommendedScaling({ metric: 'pending', max: 10 });
const { name: _, ...s0 } = s0Trace;
const runs = {
  s0: () => simulate({ ...s0, autoscaler }),
  steady: () => simulate({ ...s0, arrivals: constantArrivals({ ratePerSec: 1.5, durationMs: 120_000 }), serviceTimeMs: 2_000, autoscaler }),
};

/** The chart inside a page whose script asks the browser what it laid out: every tick dot, and where. */
function page(svg: string): string {
  return `<!doctype html><html><body style="margin:0">${svg}<pre id="result"></pre><script>
    const svg = document.querySelector('svg').getBoundingClientRect();
    const dots = [...document.querySelectorAll('circle.tick')].map((c) => c.getBoundingClientRect());
    const inside = dots.filter((r) => r.width > 0 && r.left >= svg.left && r.right <= svg.right && r.top >= svg.top && r.bottom <= svg.bottom);
    document.getElementById('result').textContent = 'RESULT' + JSON.stringify({
      dots: dots.length, inside: inside.length, paths: document.querySelectorAll('svg path').length,
      xs: dots.map((r) => Math.round(r.left)), ys: dots.map((r) => Math.round(r.top)),
    }) + 'END';
  </script></body></html>`;
}

async function render(name: string, result: SimulationResult) {
  const svgFile = join(dir, `${name}.svg`);
  const htmlFile = join(dir, `${name}.html`);
  writeFileSync(svgFile, result.svg({ title: name }));
  writeFileSync(htmlFile, page(readFileSync(svgFile, 'utf8')));
  const dom = await chromium(htmlFile, ['--dump-dom']);
  const laidOut = JSON.parse(/RESULT(.*)END/.exec(dom)?.[1] ?? 'null') as {
    dots: number;
    inside: number;
    paths: number;
    xs: number[];
    ys: number[];
  };
  const png = join(dir, `${name}.png`);
  await screenshot(svgFile, png);
  return { laidOut, png: readFileSync(png) };
}

describe('the simulator’s SVG chart in headless Chromium', () => {
  browserIt(
    'draws one dot per timeline row inside the chart, and two traces give two different charts',
    async () => {
      if (!hasChromium()) throw new Error('CI=true but /usr/bin/chromium is missing: scripts/install-chromium.sh should have installed it');
      const [a, b] = [await runs.s0(), await runs.steady()];
      const [ra, rb] = [await render('s0', a), await render('steady', b)];
      for (const [r, sim] of [
        [ra, a],
        [rb, b],
      ] as const) {
        expect(r.laidOut.dots).toBe(sim.timeline.length);
        expect(r.laidOut.inside).toBe(sim.timeline.length);
        expect(r.laidOut.paths).toBe(2); // the queue area and the workers line
        expect(r.png.subarray(1, 4).toString()).toBe('PNG');
        expect(r.png.length).toBeGreaterThan(5_000);
      }
      expect(ra.laidOut.ys).not.toEqual(rb.laidOut.ys);
      expect(ra.png.equals(rb.png)).toBe(false);
    },
    120_000,
  );
});
