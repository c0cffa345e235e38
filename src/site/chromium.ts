/**
 * Debian's Chromium, driven by playwright-core (`npx playwright install` cannot work here: no
 * downloads). `.ci/run` installs the `chromium` package; set CHROMIUM_PATH to use another build.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { WorkbookError } from '../harness/errors.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags every Chromium the workbook starts gets (headless, nothing fetched from the network). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Throws the one line that says how to get Chromium, when it is not there. */
export function requireChromium(): string {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new WorkbookError(`Chromium is not at ${CHROMIUM_PATH}: install it (\`apt-get install chromium\`; .ci/run does) or set CHROMIUM_PATH.`);
  }
  return CHROMIUM_PATH;
}

export async function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
