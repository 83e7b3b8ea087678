// End-to-end: on a 390 px phone the panes stack (editor, diagram, analysis), nothing is wider
// than the screen, and selecting a verdict still shows its trace.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startApp, waitForText } from "../harness.mjs";

test("the studio is usable at 390 px wide: stacked panes, no sideways scrolling", { timeout: 60_000 }, async (t) => {
  const app = await startApp(t, { viewport: { width: 390, height: 844 } });
  const { page } = app;
  await page.goto(app.url);
  await page.getByRole("heading", { level: 1, name: "vnetlab" }).waitFor();
  await page.getByTestId("scenario").selectOption("aml-private-endpoints");
  await waitForText(page.getByTestId("design-name"), "aml-private-endpoints.yaml");
  const box = (sel) => page.locator(sel).boundingBox();
  const [editor, diagram, results] = await Promise.all([
    box("section.pane.editor"),
    box("section.pane.diagram"),
    box("section.pane.results"),
  ]);
  for (const b of [editor, diagram, results]) {
    assert.ok(b.x >= 0 && b.x + b.width <= 391, `pane at x=${b.x} width=${b.width}`);
  }
  assert.ok(editor.y + editor.height <= diagram.y + 1, "the diagram comes below the editor");
  assert.ok(diagram.y + diagram.height <= results.y + 1, "the analysis comes below the diagram");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 391, `the page is ${width} px wide`);

  await page.getByTestId("flows").locator("button.verdict").first().click();
  await page.getByTestId("trace").locator("button.hop").first().waitFor();
  assert.ok(await page.getByTestId("trace").isVisible());
  await app.screenshot("narrow");
  app.assertNoErrors();
});
