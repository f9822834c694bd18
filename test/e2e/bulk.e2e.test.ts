import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCREENSHOTS, startHarness, type Harness } from "./browser.ts";
import { catalogueCsv } from "../support/catalogue.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** A catalogue big enough that the batch page is seen running before it finishes. */
const catalogue = catalogueCsv;

describe("bulk classification in the browser", () => {
  it("uploads a CSV, watches the progress reach 100%, and shows the summary and the download", async () => {
    const context = await h.browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/bulk`);
    await page.screenshot({ path: path.join(SCREENSHOTS, "bulk.png"), fullPage: true });
    await page.getByLabel("CSV file").setInputFiles({ name: "catalogue.csv", mimeType: "text/csv", buffer: catalogue(40_000) });
    await Promise.all([page.waitForURL(/\/b\/[A-Za-z0-9_-]{22}$/), page.getByRole("button", { name: "Upload and classify" }).click()]);

    // The bar is driven by the page's own script polling progress.json until the batch is done.
    const seen = new Set<number>();
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline) {
      const value = await page.locator("#batch-progress").getAttribute("value").catch(() => null);
      if (value !== null) seen.add(Number(value));
      if ((await page.locator(".status-pill").first().innerText().catch(() => "")) === "Finished" && (await page.locator("#summary-title").count()) > 0) break;
      await page.waitForTimeout(100);
    }
    expect(Math.max(...seen)).toBe(100);
    expect(await page.locator(".status-pill").first().innerText()).toBe("Finished");
    expect(await page.getByRole("link", { name: "Download the result CSV" }).count()).toBe(1);
    expect(await page.locator("table.bars").first().innerText()).toContain("Licence likely required");
    expect(await page.locator("table.batch-rows tbody tr").count()).toBe(50);
    await page.screenshot({ path: path.join(SCREENSHOTS, "batch.png"), fullPage: true });

    const download = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download the result CSV" }).click()]);
    expect(download[0].suggestedFilename()).toBe("catalogue-classified.csv");

    // A row's link shows the row (a GET stores nothing); its button stores the full result as a classification of its own.
    await Promise.all([page.waitForURL(/\/b\/[A-Za-z0-9_-]{22}\/rows\/\d+$/), page.getByRole("link", { name: "Open" }).first().click()]);
    await Promise.all([page.waitForURL(/\/c\/[A-Za-z0-9_-]{22}$/), page.getByRole("button", { name: "Open the full result" }).click()]);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Classification result");
    await context.close();
  });
});
