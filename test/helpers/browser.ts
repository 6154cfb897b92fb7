// Debian's Chromium driven by playwright-core, with the flags this machine needs (no sandbox as root,
// no background network traffic, which the closed network would refuse).
import { type Browser, chromium } from 'playwright-core';
import { chromiumPath } from './tools.ts';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
