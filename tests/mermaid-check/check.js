// Parses and renders Mermaid diagrams with Mermaid itself, in headless Chromium.
// Usage: node check.js DIAGRAMS.json, where the file holds [{ "name", "text", "invalid"? }].
// Prints one line per diagram and exits 1 when a diagram fails that should pass (or passes
// that should fail: the control that shows a parse error is noticed).
"use strict";

const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

async function main() {
  const diagrams = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox"],
  });
  try {
    const page = await browser.newPage();
    await page.setContent("<!DOCTYPE html><html><body></body></html>");
    await page.addScriptTag({
      path: path.join(__dirname, "node_modules/mermaid/dist/mermaid.min.js"),
    });
    const results = await page.evaluate(async (diagrams) => {
      window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
      const results = [];
      for (const [i, diagram] of diagrams.entries()) {
        try {
          const parsed = await window.mermaid.parse(diagram.text);
          if (parsed.diagramType !== "er") {
            throw new Error(`read as ${parsed.diagramType}, not as an erDiagram`);
          }
          const { svg } = await window.mermaid.render(`diagram${i}`, diagram.text);
          results.push({ ok: true, detail: `${svg.length} bytes of SVG` });
        } catch (error) {
          results.push({ ok: false, detail: String(error && error.message ? error.message : error) });
        }
      }
      return results;
    }, diagrams);
    let failed = 0;
    diagrams.forEach((diagram, i) => {
      const result = results[i];
      const expected = !diagram.invalid;
      const good = result.ok === expected;
      if (!good) failed += 1;
      const verdict = result.ok ? "parsed" : "rejected";
      console.log(`${good ? "ok" : "FAIL"} ${diagram.name}: ${verdict}; ${result.detail}`);
      if (!good) console.log(diagram.text);
    });
    process.exitCode = failed ? 1 : 0;
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 2;
});
