// The built example archive as its readers see it, in headless Chromium (playwright-core with
// the system's Chromium; it downloads no browser). Started by tests/integration/readers.rs.
//
//   node readers.mjs CHECK PUBLIC_DIR [CHROMIUM]
//
// PUBLIC_DIR is a site built for the base URL `/`; it is served here on a loopback port.
// CHECK is one of:
//   phone  every page at 390 px: nothing wider than the screen, and every equation number
//          inside the screen and clear of its formula;
//   dark   the article pages in the dark scheme: page, text, formulas, code, tables and
//          figures change colour and keep their contrast;
//   axe    axe-core's WCAG 2 A/AA rules on one page of each kind (the `kind-…` class of
//          <body>) and on every article, in the light and the dark scheme: no violation
//          (with LEMMA_AXE_ALL=1: on every page);
//   keys   keyboard: Tab reaches every equation link, and focus never lands in an
//          aria-hidden region.
// Prints one line per page and a summary; exits non-zero on any failure.
import { chromium } from "playwright-core";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createRequire } from "node:module";

const [check, publicDir, executablePath = "/usr/bin/chromium"] = process.argv.slice(2);
const CHECKS = { phone: checkPhone, dark: checkDark, axe: checkAxe, keys: checkKeys };
if (!CHECKS[check] || !publicDir) {
  console.error(`usage: node readers.mjs ${Object.keys(CHECKS).join("|")} PUBLIC_DIR [CHROMIUM]`);
  process.exit(2);
}
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// ---- The site: every HTML page of the output, served over HTTP ----

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".js": "text/javascript",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".xml": "application/xml",
  ".json": "application/json",
  ".wasm": "application/wasm",
};

function serve(root) {
  const server = http.createServer((request, response) => {
    let relative = decodeURIComponent(new URL(request.url, "http://x").pathname);
    if (relative.endsWith("/")) relative += "index.html";
    const file = path.join(root, relative);
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      response.writeHead(404).end("not found");
      return;
    }
    const type = TYPES[path.extname(file)] ?? "application/octet-stream";
    response.writeHead(200, { "content-type": type }).end(fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/// Every page of the output as { url, kind }, sorted; redirect stubs are left out.
function pages(root) {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".html")) {
        const html = fs.readFileSync(full, "utf8");
        if (/http-equiv="refresh"/i.test(html)) continue;
        const kind = (html.match(/<body[^>]*class="[^"]*kind-([a-z0-9-]+)/) ?? [])[1] ?? "other";
        let url = "/" + path.relative(root, full).split(path.sep).join("/");
        url = url.replace(/(^|\/)index\.html$/, "$1");
        found.push({ url, kind });
      }
    }
  };
  walk(root);
  return found.sort((a, b) => (a.url < b.url ? -1 : 1));
}

/// One page of each kind, and every article (the pages with formulas, code and tables).
function representatives(all) {
  const seen = new Set();
  return all.filter((page) => {
    if (page.kind === "article") return true;
    if (seen.has(page.kind)) return false;
    seen.add(page.kind);
    return true;
  });
}

// ---- Checks: each returns a list of problems for one page ----

async function checkPhone(page) {
  return page.evaluate(() => {
    const problems = [];
    const width = window.innerWidth;
    const scrollWidth = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
    if (scrollWidth > width) {
      const wide = [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > width + 0.5)
        .slice(0, 3)
        .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}">`);
      problems.push(`page is ${scrollWidth} px wide at ${width} px (${wide.join(", ")})`);
    }
    const overlaps = (a, b) =>
      Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
      Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
    // The part of an element's box that shows: cut by every scrolling or clipping ancestor.
    const visible = (element) => {
      const box = element.getBoundingClientRect();
      let { left, right, top, bottom } = box;
      for (let e = element.parentElement; e; e = e.parentElement) {
        if (getComputedStyle(e).overflowX === "visible") continue;
        const clip = e.getBoundingClientRect();
        left = Math.max(left, clip.left);
        right = Math.min(right, clip.right);
        top = Math.max(top, clip.top);
        bottom = Math.min(bottom, clip.bottom);
      }
      return { left, right, top, bottom };
    };
    for (const tag of document.querySelectorAll(".katex-display .tag")) {
      const number = tag.getBoundingClientRect();
      const text = tag.textContent.trim();
      if (number.left < -0.5 || number.right > width + 0.5) {
        problems.push(`equation number ${text} is off the screen (${number.left}–${number.right})`);
      }
      const html = tag.closest(".katex-html");
      const boxes = [...html.querySelectorAll(".base")].map(visible);
      if (boxes.length === 0) problems.push(`equation number ${text} has no formula boxes`);
      if (boxes.some((box) => overlaps(box, number))) {
        problems.push(`equation number ${text} overlaps its formula`);
      }
    }
    return problems;
  });
}

function luminance([r, g, b]) {
  const channel = (c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/// Colours of the parts of an article: [text colour, background] as RGB triples, per part.
async function articleColours(page) {
  return page.evaluate(() => {
    const rgb = (value) => (value.match(/[\d.]+/g) ?? []).slice(0, 4).map(Number);
    const background = (element) => {
      for (let e = element; e; e = e.parentElement) {
        const colour = rgb(getComputedStyle(e).backgroundColor);
        if (colour.length === 3 || colour[3] > 0) return colour.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const parts = {
      text: ".post-content p",
      link: ".post-content p a",
      formula: ".post-content .katex-display .katex",
      code: ".post-content pre",
      token: ".post-content pre .hl-keyword, .post-content pre .hl-storage",
      table: ".post-content td",
      "table head": ".post-content th",
      figure: ".post-content figure img",
      caption: ".post-content figcaption",
      label: ".terms-label",
    };
    const found = {};
    for (const [part, selector] of Object.entries(parts)) {
      const element = document.querySelector(selector);
      if (element) {
        found[part] = { fg: rgb(getComputedStyle(element).color).slice(0, 3), bg: background(element) };
      }
    }
    return found;
  });
}

/// `page` shows an article in the dark scheme, `light` the same article in the light one.
async function checkDark(page, { light }) {
  const problems = [];
  const dark = await articleColours(page);
  const before = await articleColours(light);
  for (const [part, colours] of Object.entries(dark)) {
    const was = before[part];
    if (!was) continue;
    const changed = (a, b) => a.some((v, i) => Math.abs(v - b[i]) > 8);
    if (part !== "figure" && !changed(colours.bg, was.bg) && !changed(colours.fg, was.fg)) {
      problems.push(`${part}: same colours in dark and light (${colours.fg} on ${colours.bg})`);
    }
    if (part === "figure") {
      // A drawing with a transparent background keeps a light backing, or its lines vanish.
      if (luminance(colours.bg) < 0.6) problems.push(`figure: image on a dark backing (${colours.bg})`);
      continue;
    }
    if (["text", "formula", "code", "table"].includes(part) && luminance(colours.bg) > 0.1) {
      problems.push(`${part}: background ${colours.bg} is not dark`);
    }
    const ratio = contrast(colours.fg, colours.bg);
    if (ratio < 4.5) problems.push(`${part}: contrast ${ratio.toFixed(2)} (${colours.fg} on ${colours.bg})`);
  }
  for (const part of Object.keys(dark)) seenInDark.add(part);
  return problems;
}

/// The parts of an article `checkDark` saw on some page: each must have been checked once.
const seenInDark = new Set();
const DARK_PARTS = ["text", "link", "formula", "code", "token", "table", "table head", "figure", "caption", "label"];

async function checkAxe(page) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(
    (tags) =>
      window.axe
        .run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] })
        .then((result) => result.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) }))),
    AXE_TAGS,
  );
  return violations.map(
    (v) => `axe ${v.id}: ${v.nodes.length} node(s), e.g. ${v.nodes.slice(0, 2).join(" | ")}`,
  );
}

async function checkKeys(page) {
  const expected = await page.evaluate(
    () => new Set([...document.querySelectorAll('.post-content a[href^="#eq-"]')].map((a) => a.getAttribute("href"))).size,
  );
  const problems = [];
  const reached = new Set();
  for (let step = 0; step < 2000; step++) {
    await page.keyboard.press("Tab");
    const focus = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      const hidden = e.closest('[aria-hidden="true"]');
      const box = e.getBoundingClientRect();
      return {
        href: e.getAttribute("href"),
        hidden: Boolean(hidden),
        shown: box.width >= 4 && box.height >= 4,
        inFooter: Boolean(e.closest(".site-footer")),
      };
    });
    if (!focus) break;
    if (focus.hidden) problems.push(`focus landed in an aria-hidden region (${focus.href})`);
    if (focus.href?.startsWith("#eq-")) {
      reached.add(focus.href);
      if (!focus.shown) problems.push(`the focused link ${focus.href} is not visible`);
    }
    if (focus.inFooter) break;
  }
  if (reached.size < expected) {
    problems.push(`Tab reached ${reached.size} of ${expected} equation links`);
  }
  return problems;
}

// ---- Driver ----

const server = await serve(path.resolve(publicDir));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const all = pages(path.resolve(publicDir));
// LEMMA_AXE_ALL=1 runs axe over every page, not one of each kind (slower: minutes).
const axePages = process.env.LEMMA_AXE_ALL ? all : representatives(all);
let failures = 0;
let checked = 0;
try {
  const runs = {
    phone: [{ scheme: "light", width: 390, list: all }],
    dark: [{ scheme: "dark", width: 900, list: all.filter((p) => p.kind === "article") }],
    axe: [
      { scheme: "light", width: 900, list: axePages },
      { scheme: "dark", width: 900, list: axePages },
    ],
    keys: [{ scheme: "light", width: 900, list: all.filter((p) => p.kind === "article") }],
  }[check];
  for (const { scheme, width, list } of runs) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width, height: 844 } });
    const lightContext = check === "dark" ? await browser.newContext({ colorScheme: "light" }) : null;
    const page = await context.newPage();
    const light = lightContext ? await lightContext.newPage() : null;
    for (const { url, kind } of list) {
      const response = await page.goto(origin + url, { waitUntil: "load" });
      if (light) await light.goto(origin + url, { waitUntil: "load" });
      await page.evaluate(() => document.fonts.ready);
      const problems = response.ok() || kind === "404" ? await CHECKS[check](page, { light }) : [`GET answered ${response.status()}`];
      checked += 1;
      failures += problems.length;
      const status = problems.length === 0 ? "ok" : `${problems.length} problem(s)`;
      console.log(`${check} ${scheme} ${kind} ${url}: ${status}`);
      for (const problem of problems) console.log(`    ${problem}`);
    }
    await context.close();
    if (lightContext) await lightContext.close();
  }
} finally {
  await browser.close();
  server.close();
}
if (check === "dark") {
  for (const part of DARK_PARTS.filter((part) => !seenInDark.has(part))) {
    console.log(`    ${part}: on no page of the site`);
    failures += 1;
  }
}
console.log(`${check}: ${checked} page(s) checked, ${failures} problem(s)`);
if (checked === 0) {
  console.error("no page was checked");
  process.exit(1);
}
process.exit(failures === 0 ? 0 : 1);
