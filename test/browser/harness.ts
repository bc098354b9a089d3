/**
 * Shared by the browser tests: finds Chromium, launches it headless with the flags of
 * ../shared/WEBGPU-TESTING.md through playwright-core, and serves the demo and the bundle on a
 * free port, with or without the COOP/COEP headers. Where Chromium is missing the tests skip and
 * say why; under CI (CI=true) a missing browser fails them instead.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';

export const CHROMIUM = process.env['LEPTON_CHROMIUM'] ?? '/usr/bin/chromium';
export const CI = process.env['CI'] === 'true' || process.env['CI'] === '1';
export const ROOT = join(import.meta.dirname, '..', '..');

/** Why the browser tests cannot run here, or undefined when they can. */
export function missingBrowser(): string | undefined {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found (apt-get install -y --no-install-recommends chromium, or set LEPTON_CHROMIUM)`;
  return undefined;
}

export const FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-webgpu',
];

export interface Session {
  browser: Browser;
  close(): Promise<void>;
}

export async function launch(): Promise<Session> {
  // launch() gives every browser a fresh temporary profile (the fresh user-data-dir).
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  return { browser, close: () => browser.close() };
}

export interface Server {
  url: string;
  close(): Promise<void>;
}

export async function startServer(isolation: boolean): Promise<Server> {
  const mod = (await import(join(ROOT, 'demo', 'web', 'serve.mjs'))) as {
    serve(o: { port: number; isolation: boolean }): Promise<Server>;
  };
  return mod.serve({ port: 0, isolation });
}

/** A new page that records console errors and uncaught exceptions. */
export async function openPage(session: Session, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await session.browser.newPage({ viewport: { width: 1100, height: 760 } });
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e: Error) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors };
}
