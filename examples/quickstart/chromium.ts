import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/** Debian's chromium (scripts/install-chromium.sh installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/** Whether headless Chromium can run here. */
export const hasChromium = () => existsSync(CHROMIUM);

/**
 * Runs headless Chromium once on a local file with a fresh profile and nothing that reaches the network, and
 * returns its stdout (`--dump-dom` prints the DOM after the page's scripts ran). The profile is removed after.
 */
export async function chromium(file: string, args: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'fleet-chromium-'));
  try {
    const { stdout } = await promisify(execFile)(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        ...args,
        pathToFileURL(file).href,
      ],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Screenshots an SVG file at its size into `png`. */
export const screenshot = (svg: string, png: string, size: { width: number; height: number } = { width: 800, height: 320 }) =>
  chromium(svg, [`--screenshot=${png}`, `--window-size=${size.width},${size.height}`]);
