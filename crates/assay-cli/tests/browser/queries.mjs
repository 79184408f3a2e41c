// Types each query into the published site's search page in Debian's Chromium (Playwright)
// and reports the hits the page shows, in order. Run by the Rust test
// `standards::the_whole_catalog_publishes_every_field_and_search_finds_fields_by_quantity`.
import { chromium } from "playwright-core";

const [site, ...queries] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
await page.goto(`file://${site}/search.html`);
const results = {};
for (const q of queries) {
  await page.fill("#q", "");
  await page.locator("#q").pressSequentially(q, { delay: 10 });
  results[q] = await page.$$eval("li.hit", (els) => els.map((e) => e.dataset.name));
}
await browser.close();
console.log(JSON.stringify(results));
