// `math.output: mathml` in headless Chromium: the browser lays out the MathML with the theme's
// math font, KaTeX's CSS is not loaded, display formulas are centred with their numbers at the
// right, and an `\eqref` link leads to its equation.
//
//   node mathml.mjs URL [CHROMIUM]
//
// With MATHML_SCREENSHOT=file.png it also saves a screenshot of the page.
// URL is an article page holding inline math, a numbered display formula and an `\eqref` to it
// (tests/integration/math_output.rs). Prints what it measured; exits non-zero on failure.
import { open, withPage } from "./chromium.mjs";

const [url, executablePath = "/usr/bin/chromium"] = process.argv.slice(2);
const screenshot = process.env.MATHML_SCREENSHOT;
if (!url) {
  console.error("usage: node mathml.mjs URL [CHROMIUM]");
  process.exit(2);
}

await withPage(executablePath, async (page) => {
  await open(page, url);
  const seen = await page.evaluate(async () => {
    await document.fonts.ready;
    const box = (e) => e.getBoundingClientRect();
    const formulas = [...document.querySelectorAll("math")];
    const display = document.querySelector('math[display="block"]');
    const cells = display ? [...display.querySelectorAll("mtr > mtd")] : [];
    const number = cells.at(-1);
    const content = cells.find((c) => !c.classList.contains("mtr-glue") && c !== number);
    const container = display && display.parentElement;
    const link = document.querySelector('math a[href="#eq-main"]');
    return {
      formulas: formulas.length,
      empty: formulas.filter((m) => box(m).width === 0 || box(m).height === 0).length,
      katexCss: [...document.styleSheets].some((s) => (s.href || "").includes("katex")),
      fontLoaded: [...document.fonts].some(
        (f) => f.family.replace(/"/g, "") === "Latin Modern Math" && f.status === "loaded",
      ),
      fontFamily: formulas.length ? getComputedStyle(formulas[0]).fontFamily : "",
      number: number ? number.textContent : null,
      numberRight: number ? box(number).right : 0,
      contentCentre: content ? (box(content).left + box(content).right) / 2 : 0,
      containerLeft: container ? box(container).left : 0,
      containerRight: container ? box(container).right : 0,
      link: link ? { text: link.textContent, width: box(link).width, html: link instanceof HTMLAnchorElement } : null,
    };
  });
  console.log(JSON.stringify(seen));
  if (seen.formulas < 3) throw new Error(`expected at least 3 formulas, found ${seen.formulas}`);
  if (seen.empty > 0) throw new Error(`${seen.empty} formulas have no size`);
  if (seen.katexCss) throw new Error("the page loads KaTeX's CSS");
  if (!seen.fontLoaded) throw new Error(`the math font was not loaded (math in ${seen.fontFamily})`);
  if (seen.number !== "(1)") throw new Error(`the equation number reads ${seen.number}`);
  const width = seen.containerRight - seen.containerLeft;
  if (seen.containerRight - seen.numberRight > width * 0.05) {
    throw new Error(`the number ends at ${seen.numberRight}, not at the right (${seen.containerRight})`);
  }
  const middle = (seen.containerLeft + seen.containerRight) / 2;
  if (Math.abs(seen.contentCentre - middle) > width * 0.1) {
    throw new Error(`the equation is centred at ${seen.contentCentre}, the column at ${middle}`);
  }
  if (!seen.link || !seen.link.html || seen.link.width === 0 || seen.link.text !== "(1)") {
    throw new Error(`no visible HTML link for \\eqref: ${JSON.stringify(seen.link)}`);
  }
  await page.click('math a[href="#eq-main"]');
  const hash = await page.evaluate(() => location.hash);
  if (hash !== "#eq-main") throw new Error(`following \\eqref led to ${hash}`);
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  console.log("mathml page: formulas sized, math font loaded, number at the right, link works");
});
