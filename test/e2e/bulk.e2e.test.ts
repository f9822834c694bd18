import path from "node:path";
import type { Worksheet } from "exceljs";
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
    await page.getByLabel("CSV or Excel file").setInputFiles({ name: "catalogue.csv", mimeType: "text/csv", buffer: catalogue(40_000) });
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

describe("answering a batch's open questions in the spreadsheet", () => {
  for (const kind of ["csv", "xlsx"] as const) {
    it(`uploads a ${kind} with needs_info rows, fills the answer column of the result and uploads it again: the rows resolve and the batches link`, async () => {
      const context = await h.browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      const page = await context.newPage();
      const rows = [["SKU", "description"], ["H-1", "Network HSM appliance AES-256 RSA-4096"], ["H-2", "Network HSM appliance AES-256 RSA-4096"], ["C-1", "USB cable"]];
      const ExcelJS = (await import("exceljs")).default;
      const asFile = async (cells: string[][], name: string) => {
        if (kind === "csv") return { name: `${name}.csv`, mimeType: "text/csv", buffer: Buffer.from(cells.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(",")).join("\n") + "\n") };
        const wb = new ExcelJS.Workbook();
        wb.addWorksheet("Sheet1").addRows(cells);
        return { name: `${name}.xlsx`, mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: Buffer.from(await wb.xlsx.writeBuffer()) };
      };
      const uploadAndWait = async (file: { name: string; mimeType: string; buffer: Buffer }) => {
        await page.goto(`${h.baseUrl}/bulk`);
        await page.locator("#file").setInputFiles(file);
        await Promise.all([page.waitForURL(/\/b\/[A-Za-z0-9_-]{22}$/), page.getByRole("button", { name: "Upload and classify" }).click()]);
        // The page's script marks the batch finished before the page is reloaded with its results: wait for those.
        const finished = async () => (await page.locator(".status-pill").first().innerText()) === "Finished" && (await page.locator("#summary-title").count()) > 0;
        for (let i = 0; i < 200 && !(await finished()); i++) {
          await page.waitForTimeout(100);
          await page.reload();
        }
        expect(await finished()).toBe(true);
        return page.url();
      };
      const first = await uploadAndWait(await asFile(rows, "catalogue"));

      // Download the result, as a user does, and fill the first row's answer cell.
      const link = kind === "csv" ? "Download the result CSV" : "Download as Excel (.xlsx)";
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: link }).click()]);
      const saved = await download.path();
      const fs = await import("node:fs");
      let result: string[][];
      if (kind === "csv") {
        const { parse } = await import("csv-parse/sync");
        result = parse(fs.readFileSync(saved, "utf8").replace(/^\ufeff/, ""), { relax_column_count: true }) as string[][];
      } else {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.readFile(saved);
        const sheet = wb.worksheets[0] as Worksheet;
        result = [];
        sheet.eachRow((r) => result.push((r.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? "" : typeof v === "object" && v && "text" in v ? String((v as { text: unknown }).text) : String(v)))));
      }
      const header = result[0] as string[];
      expect((result[1] as string[])[header.indexOf("open_questions")]).toContain("symmetric_gbps");
      (result[1] as string[])[header.indexOf("answer_symmetric_gbps")] = "20";
      const width = header.length;
      const filled = result.map((r) => [...r, ...Array(Math.max(0, width - r.length)).fill("")]);
      await uploadAndWait(await asFile(filled, "catalogue-answered"));

      const main = await page.locator("main").innerText();
      expect(main).toContain("This batch answers the questions of batch");
      expect(main).toMatch(/Export: of 2 rows that needed information there, now/);
      expect(main).toContain("Licence likely required: 1");
      await page.goto(first);
      expect(await page.locator("main").innerText()).toContain("Its questions are answered in batch");
      await page.screenshot({ path: path.join(SCREENSHOTS, `round-trip-${kind}.png`), fullPage: true });
      await context.close();
    });
  }
});
