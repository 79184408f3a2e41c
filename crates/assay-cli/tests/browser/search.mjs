// Drives the published site's search page in Debian's Chromium with Playwright: types a query
// key by key, ticks a facet, and reports what the page shows. Run by the Rust test
// `publish::search_page_typed_and_faceted_with_playwright` from a copy inside .venv-test/node.
import { chromium } from "playwright-core";

const [site, shot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
const requests = [];
page.on("request", (r) => { if (!r.url().startsWith("file://")) requests.push(r.url()); });
await page.goto(`file://${site}/search.html`);
const hits = () => page.$$eval("li.hit", (els) => els.map((e) => e.dataset.name));
const all = await hits();
await page.locator("#q").pressSequentially("sensor", { delay: 20 });
const typed = await hits();
const countTyped = await page.textContent("#count");
const gradeB = page.locator('input.facet[data-facet="grade"][data-value="B"]');
const facetCount = await page.textContent('span.facet-count[data-facet="grade"][data-value="B"]');
await gradeB.check();
const faceted = await hits();
const countFaceted = await page.textContent("#count");
await page.screenshot({ path: shot, fullPage: true });
await browser.close();
console.log(JSON.stringify({ all, typed, countTyped, facetCount, faceted, countFaceted, requests }));
