// Asks the real search page of two builds of one site the same queries, in headless
// Chromium, and prints each query's first results, and how many the page says it found, as
// JSON lines: {"site", "query", "urls", "count"}.
// Started by bench/search.py; it needs tests/browser's npm packages (`npm ci` there).
//
//   node bench/search-quality.mjs QUERIES_JSON CHROMIUM NAME=OUTPUT_DIR...
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(new URL("../tests/browser/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [queriesFile, executablePath, ...sites] = process.argv.slice(2);
const queries = JSON.parse(fs.readFileSync(queriesFile, "utf8"));
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".json": "application/json" };

function serve(root) {
  const server = http.createServer((request, response) => {
    const url = decodeURIComponent(new URL(request.url, "http://x").pathname);
    let file = path.join(root, url);
    if (url.endsWith("/")) file = path.join(file, "index.html");
    fs.readFile(file, (error, bytes) => {
      if (error) return response.writeHead(404).end();
      const type = TYPES[path.extname(file)] ?? "application/octet-stream";
      response.writeHead(200, { "content-type": type }).end(bytes);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve([server, `http://127.0.0.1:${server.address().port}`])),
  );
}

const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu"] });
for (const site of sites) {
  const [name, root] = site.split("=");
  const [server, origin] = await serve(root);
  const page = await browser.newPage();
  for (const query of queries) {
    await page.goto(`${origin}/search/?q=${encodeURIComponent(query)}`);
    await page.waitForSelector("#search[data-state=done]", { timeout: 60_000 });
    const urls = await page.$$eval(".search-results li a", (links) =>
      links.slice(0, 5).map((a) => a.getAttribute("href")),
    );
    const status = await page.$eval(".search-status", (p) => p.textContent);
    const count = Number(status.match(/\d+/)?.[0] ?? 0);
    console.log(JSON.stringify({ site: name, query, urls, count }));
  }
  await page.close();
  server.close();
}
await browser.close();
