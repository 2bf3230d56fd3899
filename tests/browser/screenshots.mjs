// Screenshots of an article of the example archive for the README: desktop and phone, light
// and dark. Run by scripts/screenshots.sh, which builds the archive first.
//
//   node screenshots.mjs PUBLIC_DIR OUT_DIR [CHROMIUM]
//
// Writes OUT_DIR/article-{desktop,phone}-{light,dark}.png. The desktop shot shows the top of the
// article; the phone shot starts at the section "上尾的界", whose wide numbered formulas
// scroll inside their boxes. Needs CJK fonts (Debian: fonts-noto-cjk), or Chinese shows as boxes.
import { chromium } from "playwright-core";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const [publicDir, outDir, executablePath = "/usr/bin/chromium"] = process.argv.slice(2);
if (!publicDir || !outDir) {
  console.error("usage: node screenshots.mjs PUBLIC_DIR OUT_DIR [CHROMIUM]");
  process.exit(2);
}
const ARTICLE = "/archives/9785/";
const SHOTS = [
  { name: "desktop", viewport: { width: 1280, height: 900 }, scale: 1, section: null },
  { name: "phone", viewport: { width: 390, height: 844 }, scale: 2, section: "上尾的界" },
];
const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".svg": "image/svg+xml", ".woff2": "font/woff2" };

const root = path.resolve(publicDir);
const server = http.createServer((request, response) => {
  let relative = decodeURIComponent(new URL(request.url, "http://x").pathname);
  if (relative.endsWith("/")) relative += "index.html";
  const file = path.join(root, relative);
  if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
  response.end(fs.readFileSync(file));
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

fs.mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
try {
  for (const shot of SHOTS) {
    for (const scheme of ["light", "dark"]) {
      const context = await browser.newContext({
        viewport: shot.viewport,
        deviceScaleFactor: shot.scale,
        colorScheme: scheme,
      });
      const page = await context.newPage();
      await page.goto(origin + ARTICLE, { waitUntil: "load" });
      await page.evaluate(() => document.fonts.ready);
      if (shot.section) {
        await page.evaluate((id) => document.getElementById(id).scrollIntoView(), shot.section);
      }
      const file = path.join(outDir, `article-${shot.name}-${scheme}.png`);
      await page.screenshot({ path: file });
      console.log(`wrote ${file}`);
      await context.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
