// Headless Debian Chromium for the browser tests, through playwright-core (no browser download).
import { chromium } from "playwright-core";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// Runs `test(page)` in a fresh profile, prints the page's console, and exits 0 when it passes,
// 1 with `FAILED: <message>` when it throws.
export async function withPage(executablePath, test) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "lemma-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 900, height: 700 },
  });
  let failed = false;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => console.log(`[page] ${message.type()}: ${message.text()}`));
    await test(page);
  } catch (error) {
    failed = true;
    console.error(`FAILED: ${error.message}`);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

// Opens `url` and fails unless it answers 200.
export async function open(page, url) {
  const response = await page.goto(url);
  if (!response || response.status() !== 200) {
    throw new Error(`GET ${url} answered ${response && response.status()}`);
  }
}
