// End-to-end test of `lemma serve`'s live reload, in headless Chromium over the DevTools
// protocol (playwright-core, with the system's Chromium: it downloads no browser).
//
//   node live-reload.mjs URL ARTICLE_FILE [CHROMIUM]
//
// Opens URL (an article page served by `lemma serve`), scrolls down, rewrites ARTICLE_FILE
// ("The end: before." → "The end: after."), and waits, without touching the page, until the
// page has reloaded by itself with the new text at the same scroll position. Exits non-zero
// with a message on failure. Started by tests/integration/serve.rs.
import fs from "node:fs";

import { open, withPage } from "./chromium.mjs";

const [url, file, executablePath = "/usr/bin/chromium"] = process.argv.slice(2);
if (!url || !file) {
  console.error("usage: node live-reload.mjs URL ARTICLE_FILE [CHROMIUM]");
  process.exit(2);
}
const TIMEOUT_MS = 30_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls `fn` in the page until it returns a truthy value; survives the page reloading.
async function waitInPage(page, fn, what) {
  const started = Date.now();
  while (Date.now() - started < TIMEOUT_MS) {
    try {
      const value = await page.evaluate(fn);
      if (value) return value;
    } catch (e) {
      // The page is navigating: its context went away; try again in the new one.
    }
    await sleep(50);
  }
  throw new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`);
}

await withPage(executablePath, async (page) => {
  await open(page, url);
  if (!(await page.textContent("body")).includes("The end: before.")) {
    throw new Error("the article does not show its original text");
  }
  await waitInPage(page, () => window.__lemmaLiveReload === "open", "the live-reload connection");
  const scrolled = await page.evaluate(() => {
    window.__notReloadedYet = true;
    window.scrollTo(0, 1200);
    return window.scrollY;
  });
  if (scrolled < 1000) throw new Error(`the page did not scroll (scrollY ${scrolled})`);

  const text = fs.readFileSync(file, "utf8");
  const edited = Date.now();
  fs.writeFileSync(file, text.replace("The end: before.", "The end: after."));

  await waitInPage(
    page,
    () => document.body && document.body.innerText.includes("The end: after."),
    "the new text",
  );
  const seconds = (Date.now() - edited) / 1000;
  const state = await page.evaluate(() => ({
    marker: window.__notReloadedYet === true,
    scrollY: window.scrollY,
    before: document.body.innerText.includes("The end: before."),
  }));
  if (state.marker) throw new Error("the text changed but the page was not reloaded");
  if (state.before) throw new Error("the page still shows the old text");
  // Restored after the reload (the script restores on DOMContentLoaded and load).
  const restored = await waitInPage(
    page,
    () => (Math.abs(window.scrollY - 1200) <= 60 ? String(window.scrollY) : null),
    "the scroll position to be restored",
  );
  console.log(`reloaded with the new text after ${seconds.toFixed(2)} s, scrollY ${restored}`);
});
