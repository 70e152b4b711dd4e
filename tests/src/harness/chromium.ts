import { chromium, type Browser } from 'playwright-core';
import { binaryTestMode, findBinary } from './required-binary';

const CHROMIUM = '/usr/bin/chromium';

/** 'run', or 'skip' outside CI when Debian's chromium is missing (throws under CI=true). */
export function chromiumTestMode(): 'run' | 'skip' {
  return binaryTestMode(CHROMIUM, 'chromium');
}

/**
 * Debian's Chromium, headless; nothing is downloaded. Playwright gives each launch a fresh
 * temporary profile. The networking flags keep it from calling home on a closed network.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findBinary(CHROMIUM)!,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // A browser of the district's staff: Chinese first (the console follows the browser's
      // languages until one is chosen); a test that wants another sets the context's locale.
      '--accept-lang=zh-CN',
    ],
  });
}
