// End-to-end: the status line tells the truth at a glance (broken required flows and findings
// by severity, not only expectations), and a selected verdict's trace is shown beside the
// diagram, in view, wherever the verdict sits in its list.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startApp, waitForText } from "../harness.mjs";

const VIEWPORT = { width: 1440, height: 900 };

async function open(t) {
  const app = await startApp(t, { viewport: VIEWPORT });
  await app.page.goto(app.url);
  await app.page.getByRole("heading", { level: 1, name: "vnetlab" }).waitFor();
  return app;
}

async function loadScenario(page, name) {
  await page.getByTestId("scenario").selectOption(name);
  await waitForText(page.getByTestId("design-name"), `${name}.yaml`);
}

test("the status line counts broken required flows and findings by severity", { timeout: 60_000 }, async (t) => {
  const app = await open(t);
  const { page } = app;
  // Every expectation of this design holds, yet some required Azure ML flows are broken.
  await loadScenario(page, "aml-private-endpoints");
  const broken = await page.getByTestId("flows").locator('button[data-outcome="fail"]').count();
  const flows = await page.getByTestId("flows").locator("button.verdict").count();
  assert.ok(broken > 0, "the design should have broken required flows");
  await waitForText(page.getByTestId("status-flows"), `${broken} of ${flows} required flows broken`);
  assert.match(await page.getByTestId("status-flows").getAttribute("class"), /\bbad\b/);
  await waitForText(page.getByTestId("summary"), /^(\d+) of \1 expectations hold · \d+ of \d+ required flows broken/);

  // Public workspace: high findings are counted by severity.
  await loadScenario(page, "aml-public-default");
  const high = await page.getByTestId("audit-findings").locator(".tag", { hasText: /^HIGH$/ }).count();
  assert.ok(high > 0);
  await waitForText(page.getByTestId("status-findings"), new RegExp(`^findings: (\\d+ critical, )?${high} high`));

  // The last broken flow sits far down the verdict list; its trace shows beside the diagram,
  // inside the viewport.
  await loadScenario(page, "aml-private-endpoints");
  const last = page.getByTestId("flows").locator('button[data-outcome="fail"]').last();
  await last.scrollIntoViewIfNeeded();
  await last.click();
  const trace = page.getByTestId("trace");
  await trace.locator("button.hop").first().waitFor();
  const box = await trace.boundingBox();
  const pane = await page.locator("section.pane.diagram").boundingBox();
  assert.ok(box.y >= 0 && box.y < VIEWPORT.height - 100, `trace at y=${box.y}`);
  assert.ok(box.x >= pane.x && box.x + box.width <= pane.x + pane.width + 1, "trace beside the diagram");
  assert.ok(await trace.getByText(/^verdict: /).isVisible());
  assert.ok(await page.locator("svg .badge").first().isVisible());
  // A denied flow is never drawn as an allowed (green) path.
  assert.equal(await page.locator("svg path.path:not(.denied)").count(), 0);
  await app.screenshot("truth");

  // Click a box: it is selected and its form opens; zoom and fit.
  await page.locator('svg g[data-id="subnet:ml/training"]').click({ position: { x: 30, y: 10 } });
  await waitForText(page.getByTestId("form").locator("h2"), "Edit subnet training");
  assert.equal(await page.locator('svg g.selected[data-id="subnet:ml/training"]').count(), 1);
  await waitForText(page.getByTestId("zoom"), "100 %");
  await page.getByRole("button", { name: "Zoom in" }).click();
  await waitForText(page.getByTestId("zoom"), "125 %");
  await page.getByTestId("fit").click();
  const frame = await page.getByTestId("diagram").boundingBox();
  const drawn = await page.locator('[data-testid="diagram"] > svg').boundingBox();
  assert.ok(drawn.width <= frame.width + 1 && drawn.height <= frame.height + 1, "fit: the whole diagram is in its frame");
  app.assertNoErrors();
});
