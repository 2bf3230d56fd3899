// Search in headless Chromium: the built example archive is served from a folder under a base
// path, and real queries go through the search page (Pagefind's JS API behind it).
//
//   node search.mjs OUTPUT_DIR BASE_PATH QUERIES_JSON CHROMIUM
//
// QUERIES_JSON is a list of {"query", "expect", "count"}: `expect` is the title the first
// result must have, or null when the query must find nothing; `count`, when given, is how many
// articles the page must say it found. Prints one line per query; exits non-zero
// with a message on failure. Started by tests/integration/search.rs.
import { chromium } from "playwright-core";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

const [root, basePath, queriesJson, executablePath] = process.argv.slice(2);
if (!root || !basePath || !executablePath || !queriesJson) {
  console.error("usage: node search.mjs OUTPUT_DIR BASE_PATH QUERIES_JSON CHROMIUM");
  process.exit(2);
}
const queries = JSON.parse(queriesJson);
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
};

// A static server for the output folder, under the base path, as a web host would serve it.
const server = http.createServer((request, response) => {
  const url = decodeURIComponent(new URL(request.url, "http://x").pathname);
  if (!url.startsWith(basePath)) {
    response.writeHead(404).end();
    return;
  }
  let file = path.join(root, url.slice(basePath.length));
  if (!file.startsWith(path.resolve(root))) {
    response.writeHead(403).end();
    return;
  }
  if (url.endsWith("/")) file = path.join(file, "index.html");
  fs.readFile(file, (error, bytes) => {
    if (error) {
      response.writeHead(404).end();
      return;
    }
    const type = TYPES[path.extname(file)] ?? "application/octet-stream";
    response.writeHead(200, { "content-type": type }).end(bytes);
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const profile = fs.mkdtempSync(path.join(os.tmpdir(), "lemma-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
let failed = false;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => console.log(`[page] error: ${error.message}`));
  for (const { query, expect, count } of queries) {
    const url = `${origin}${basePath}search/?q=${encodeURIComponent(query)}`;
    const response = await page.goto(url);
    if (!response || response.status() !== 200) {
      throw new Error(`GET ${url} answered ${response && response.status()}`);
    }
    await page.waitForSelector("#search[data-state=done]", { timeout: 30_000 });
    const results = await page.$$eval(".search-results li", (items) =>
      items.map((li) => ({
        title: li.querySelector("a").textContent,
        href: li.querySelector("a").getAttribute("href"),
        marked: [...li.querySelectorAll(".excerpt mark")].map((m) => m.textContent),
      })),
    );
    console.log(`${JSON.stringify(query)}: ${JSON.stringify(results.slice(0, 3))}`);
    if (expect === null) {
      if (results.length) throw new Error(`${query} should find nothing`);
      continue;
    }
    if (!results.length) throw new Error(`${query} found nothing`);
    if (count !== undefined) {
      const status = await page.$eval(".search-status", (p) => p.textContent);
      const found = Number(status.match(/\d+/)?.[0]);
      if (found !== count) throw new Error(`${query}: the page says "${status}", not ${count}`);
    }
    if (results[0].title !== expect) {
      throw new Error(`${query}: first result is ${results[0].title}, not ${expect}`);
    }
    if (!results[0].href.startsWith(basePath)) {
      throw new Error(`${query}: result link ${results[0].href} is outside ${basePath}`);
    }
    if (!results[0].marked.length) throw new Error(`${query}: no hit is marked in the excerpt`);
    const target = await page.goto(`${origin}${results[0].href}`);
    if (!target || target.status() !== 200) throw new Error(`${results[0].href} is not a page`);
  }
} catch (error) {
  failed = true;
  console.error(`FAILED: ${error.message}`);
} finally {
  await context.close();
  server.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
