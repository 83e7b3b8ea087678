import assert from "node:assert/strict";
import { test } from "node:test";
import { startApp, waitForText } from "../harness.mjs";

test("page loads, typing updates the results, no console errors", { timeout: 60_000 }, async (t) => {
  const app = await startApp(t);
  const { page } = app;

  await page.goto(app.url);
  await page.getByRole("heading", { level: 1, name: "vnetlab" }).waitFor({ state: "visible" });
  assert.equal(await page.title(), "vnetlab");

  const source = page.getByTestId("source");
  const results = page.getByTestId("results");
  await source.waitFor({ state: "visible" });
  await waitForText(results, "0 bytes");

  // Real keystrokes (one input event each), then a multi-byte character.
  await source.click();
  await source.pressSequentially("vnets:\n  - name: hub\n");
  await waitForText(results, "21 bytes");
  await source.pressSequentially("  # é");
  await waitForText(results, "27 bytes");
  assert.equal(await source.inputValue(), "vnets:\n  - name: hub\n  # é");

  const file = await app.screenshot("typing");
  t.diagnostic(`screenshot: ${file}`);
  app.assertNoErrors();
});

test("the editor text survives a reload", { timeout: 60_000 }, async (t) => {
  const app = await startApp(t);
  const { page } = app;

  await page.goto(app.url);
  const source = page.getByTestId("source");
  await source.fill("a: 1\n");
  await waitForText(page.getByTestId("results"), "5 bytes");

  await page.reload();
  await waitForText(page.getByTestId("results"), "5 bytes");
  assert.equal(await source.inputValue(), "a: 1\n");

  await page.getByRole("button", { name: "Clear" }).click();
  await waitForText(page.getByTestId("results"), "0 bytes");
  assert.equal(await source.inputValue(), "");
  app.assertNoErrors();
});
