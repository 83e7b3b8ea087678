// End-to-end: the source editor (CodeMirror) keeps its line numbers level with the text below an
// error, marks the error inline and in the gutter, a diagnostic puts the cursor on its line, and
// the last valid verdicts stay visible while the text is invalid.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setSource, sourceText, startApp, waitForText } from "../harness.mjs";

test("the gutter with errors: aligned line numbers, clickable diagnostics, last good verdicts", { timeout: 60_000 }, async (t) => {
  const app = await startApp(t, { viewport: { width: 1440, height: 900 } });
  const { page } = app;
  await page.goto(app.url);
  await page.getByTestId("scenario").selectOption("aml-private-endpoints");
  await waitForText(page.getByTestId("design-name"), "aml-private-endpoints.yaml");
  const verdicts = await page.getByTestId("verdicts").locator("button.verdict").count();
  const source = page.getByTestId("source");
  const text = await sourceText(page);
  const lines = text.split("\n");
  const line = lines.findIndex((l) => l.includes("10.1.1.0/24")) + 1;
  await setSource(page, text.replace("10.1.1.0/24", "10.1.1.0/33"));
  await waitForText(page.getByTestId("summary"), /^1 error/);

  // The diagnostic's button puts the cursor on its line, in view, and focuses the editor.
  await page.getByTestId("diagnostics").getByRole("button", { name: `Go to line ${line}` }).click();
  const at = await source.evaluate((el) => {
    const v = el.cmView;
    return { line: v.state.doc.lineAt(v.state.selection.main.from).number, focused: el.contains(document.activeElement) };
  });
  assert.deepEqual(at, { line, focused: true });

  // Every rendered line's number sits level with its text, past the error too.
  const rows = await source.evaluate((el) => {
    const v = el.cmView;
    const numbers = new Map();
    for (const g of el.querySelectorAll(".cm-lineNumbers .cm-gutterElement")) {
      numbers.set(g.textContent, g.getBoundingClientRect().top);
    }
    return [...el.querySelectorAll(".cm-content .cm-line")].map((l) => {
      const n = v.state.doc.lineAt(v.posAtDOM(l)).number;
      return [n, l.getBoundingClientRect().top, numbers.get(String(n))];
    });
  });
  assert.ok(rows.length > 10, `${rows.length} lines rendered`);
  assert.ok(rows.some(([n]) => n > line), "lines below the error are rendered");
  for (const [n, top, number] of rows) {
    assert.ok(number !== undefined && Math.abs(top - number) < 0.5, `line ${n}: text at ${top}, number at ${number}`);
  }

  // One error marker, in the gutter and under the text, on the error's line.
  const marks = await source.evaluate((el) => {
    const v = el.cmView;
    const lineOf = (node) => v.state.doc.lineAt(v.posAtDOM(node)).number;
    return {
      gutter: el.querySelectorAll(".cm-lint-marker-error").length,
      text: [...el.querySelectorAll(".cm-lintRange-error")].map(lineOf),
    };
  });
  assert.deepEqual(marks, { gutter: 1, text: [line] });

  // The last valid verdicts stay visible, marked as such.
  await page.getByTestId("stale").waitFor();
  assert.equal(await page.getByTestId("verdicts").locator("button.verdict").count(), verdicts);
  await app.screenshot("gutter");
  app.assertNoErrors();
});
