// End-to-end: the source editor's gutter stays aligned with the text below an error, a
// diagnostic puts the cursor on its line, and the last valid verdicts stay visible while the
// text is invalid.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startApp, waitForText } from "../harness.mjs";

test("the gutter with errors: aligned line numbers, clickable diagnostics, last good verdicts", { timeout: 60_000 }, async (t) => {
  const app = await startApp(t, { viewport: { width: 1440, height: 900 } });
  const { page } = app;
  await page.goto(app.url);
  await page.getByTestId("scenario").selectOption("aml-private-endpoints");
  await waitForText(page.getByTestId("design-name"), "aml-private-endpoints.yaml");
  const verdicts = await page.getByTestId("verdicts").locator("button.verdict").count();
  const source = page.getByTestId("source");
  const text = await source.inputValue();
  const lines = text.split("\n");
  const line = lines.findIndex((l) => l.includes("10.1.1.0/24")) + 1;
  await source.fill(text.replace("10.1.1.0/24", "10.1.1.0/33"));
  await waitForText(page.getByTestId("summary"), /^1 error/);

  // Every gutter number sits exactly one line below the previous one, past the error too.
  const gutter = page.locator(".gutter span");
  assert.equal(await gutter.count(), lines.length - (text.endsWith("\n") ? 1 : 0));
  const ys = await gutter.evaluateAll((ss) => ss.map((s) => s.getBoundingClientRect().top));
  const step = ys[1] - ys[0];
  assert.ok(step > 10, `line height ${step}`);
  for (let i = 1; i < ys.length; i++) {
    assert.ok(Math.abs(ys[i] - ys[0] - i * step) < 0.5, `line ${i + 1} drifts: ${ys[i] - ys[0]} vs ${i * step}`);
  }
  assert.equal(await page.locator(".gutter .bad").count(), 1);
  assert.equal(await page.locator(".gutter .bad").textContent(), String(line));

  // The diagnostic's button puts the cursor on its line.
  await page.getByTestId("diagnostics").getByRole("button", { name: `Go to line ${line}` }).click();
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  assert.equal(await source.evaluate((el) => el.selectionStart), start);
  assert.equal(await source.evaluate((el) => document.activeElement === el), true);

  // The last valid verdicts stay visible, marked as such.
  await page.getByTestId("stale").waitFor();
  assert.equal(await page.getByTestId("verdicts").locator("button.verdict").count(), verdicts);
  await app.screenshot("gutter");
  app.assertNoErrors();
});
