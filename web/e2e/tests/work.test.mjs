// End-to-end: work is never lost. Undo/redo (Ctrl+Z / Ctrl+Shift+Z) over typing, deletes and
// replacements; replacing unsaved work asks first; designs kept by name in the browser; two
// tabs keep their own working copies and see each other's kept designs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setSource, sourceText, startApp, waitForText } from "../harness.mjs";

const VIEWPORT = { width: 1440, height: 900 };

async function ready(page, url) {
  await page.goto(url);
  await page.getByRole("heading", { level: 1, name: "vnetlab" }).waitFor();
}

async function loadScenario(page, name) {
  await page.getByTestId("scenario").selectOption(name);
  await waitForText(page.getByTestId("design-name"), `${name}.yaml`);
}

test("undo and redo with the keyboard over typing and a delete", { timeout: 60_000 }, async (t) => {
  const app = await startApp(t, { viewport: VIEWPORT });
  const { page } = app;
  await ready(page, app.url);
  await loadScenario(page, "aml-private-endpoints");
  const original = await sourceText(page);
  await setSource(page, `${original}# a note\n`);
  await page.getByRole("tab", { name: "Design" }).click();
  await page.getByRole("button", { name: /^delete workload analyst-vm/ }).click();
  // An expectation starts from it: the delete offers to remove it too.
  const ask = page.getByTestId("delete-confirm");
  await waitForText(ask.locator("span"), /^1 element\(s\) refer to workload analyst-vm: expectation /);
  await ask.getByRole("button", { name: "Delete them too" }).click();
  await waitForText(page.getByTestId("notice"), /deleted workload analyst-vm and 1 element/);
  assert.doesNotMatch(await page.getByTestId("items").textContent(), /analyst-vm/);

  await page.keyboard.press("Control+z");
  await page.getByTestId("items").getByText(/analyst-vm/).first().waitFor();
  await page.keyboard.press("Control+z");
  await page.getByRole("tab", { name: "Source" }).click();
  await page.waitForFunction((want) => document.querySelector("[data-testid=source]").cmView.state.doc.toString() === want, original);
  assert.ok(await page.getByTestId("redo").isEnabled());

  await page.keyboard.press("Control+Shift+z");
  await page.waitForFunction(() => document.querySelector("[data-testid=source]").cmView.state.doc.toString().includes("# a note"));
  await page.keyboard.press("Control+Shift+Z");
  await page.waitForFunction(() => !document.querySelector("[data-testid=source]").cmView.state.doc.toString().includes("analyst-vm:"));
  assert.ok(await page.getByTestId("redo").isDisabled());
  // The toolbar's buttons do the same.
  await page.getByTestId("undo").click();
  await page.waitForFunction(() => document.querySelector("[data-testid=source]").cmView.state.doc.toString().includes("analyst-vm:"));
  app.assertNoErrors();
});

test("replacing unsaved work asks first; kept designs survive and tabs keep their own copy", { timeout: 60_000 }, async (t) => {
  const app = await startApp(t, { viewport: VIEWPORT });
  const { page, context } = app;
  await ready(page, app.url);
  await loadScenario(page, "aml-private-endpoints");
  const edited = `${await sourceText(page)}# mine\n`;
  await setSource(page, edited);
  await page.getByTestId("unsaved").waitFor();

  // Loading another design asks; Cancel keeps the work.
  await page.getByTestId("scenario").selectOption("aml-public-default");
  const confirm = page.getByTestId("confirm");
  await waitForText(confirm.locator("span"), /has unsaved changes/);
  await app.screenshot("confirm");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await confirm.waitFor({ state: "detached" });
  assert.equal(await page.getByTestId("design-name").textContent(), "aml-private-endpoints.yaml");
  assert.equal(await sourceText(page), edited);
  // New asks too; Replace replaces.
  await page.getByRole("button", { name: "New" }).click();
  await confirm.getByRole("button", { name: "Replace" }).click();
  await waitForText(page.getByTestId("design-name"), "untitled.yaml");
  await page.keyboard.press("Control+z");
  await page.waitForFunction((want) => document.querySelector("[data-testid=source]").cmView.state.doc.toString() === want, edited);

  // Keep it by name: no longer unsaved, listed, and New no longer asks.
  await page.getByTestId("keep-name").fill("mine");
  await page.getByTestId("keep").click();
  await waitForText(page.getByTestId("notice"), "kept mine.yaml in this browser");
  await page.getByTestId("unsaved").waitFor({ state: "detached" });
  assert.deepEqual(await page.getByTestId("kept").locator("option").allTextContents(), ["— 1 kept —", "mine.yaml"]);

  // A second tab starts from the latest working copy and keeps its own.
  const other = await context.newPage();
  await ready(other, app.url);
  await waitForText(other.getByTestId("design-name"), "mine.yaml");
  await other.getByRole("button", { name: "New" }).click();
  await waitForText(other.getByTestId("design-name"), "untitled.yaml");
  await other.getByTestId("keep-name").fill("theirs");
  await other.getByTestId("keep").click();
  // The first tab hears of it (storage event) and keeps its own working copy across a reload.
  await page.getByTestId("kept").locator("option", { hasText: "theirs.yaml" }).waitFor({ state: "attached" });
  await page.reload();
  await waitForText(page.getByTestId("design-name"), "mine.yaml");
  assert.equal(await sourceText(page), edited);

  // Keeping over another kept design asks first.
  await page.getByTestId("keep-name").fill("theirs");
  await page.getByTestId("keep").click();
  await waitForText(confirm.locator("span"), /Replace the design kept in this browser as theirs\.yaml/);
  await confirm.getByRole("button", { name: "Cancel" }).click();
  // Opening a kept design brings it back.
  await page.getByTestId("kept").selectOption("theirs.yaml");
  await waitForText(page.getByTestId("design-name"), "theirs.yaml");
  await waitForText(page.getByTestId("summary"), /^0 of 0 expectations hold/);
  app.assertNoErrors();
});

test("a share link carries the design in the URL fragment and opens it in a fresh browser", { timeout: 60_000 }, async (t) => {
  const app = await startApp(t, { viewport: VIEWPORT });
  const { page, browser } = app;
  await ready(page, app.url);
  await loadScenario(page, "hybrid-dns-gateway");
  const text = `${await sourceText(page)}# shared\n`;
  await setSource(page, text);
  await page.getByTestId("share").click();
  await waitForText(page.getByTestId("notice"), /^the address bar now holds a link to hybrid-dns-gateway\.yaml/);
  const link = page.url();
  assert.match(link, /#design=[A-Za-z0-9_-]+$/);
  assert.ok(link.length < text.length, `the link (${link.length}) is compressed (${text.length})`);

  // Another browser profile (fresh storage) opens the very same design, and the fragment is
  // removed so a reload keeps the working copy.
  const other = await (await browser.newContext()).newPage();
  await other.goto(link);
  await waitForText(other.getByTestId("design-name"), "hybrid-dns-gateway.yaml");
  assert.equal(await sourceText(other), text);
  assert.ok(!other.url().includes("#design="));
  app.assertNoErrors();
});
