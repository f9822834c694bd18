import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { SCREENSHOTS, startHarness, type Harness } from "./browser.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** A fresh browser context per journey: no cookies, like a new visitor; English unless asked. */
async function newPage(locale = "en-GB"): Promise<Page> {
  const context = await h.browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (err) => {
    throw err;
  });
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

async function classify(page: Page, description: string, hsCode = ""): Promise<void> {
  await page.goto(`${h.baseUrl}/`);
  await page.getByLabel(/Product description|产品描述/).fill(description);
  if (hsCode) await page.getByLabel(/^HS code$|^HS编码$/).fill(hsCode);
  await Promise.all([page.waitForURL(/\/c\/[A-Za-z0-9_-]{22}$/), page.getByRole("button", { name: /Classify|开始分类/ }).click()]);
}

const verdictOf = (page: Page, direction: "import" | "export") =>
  page.locator(`section[aria-labelledby="${direction}-title"] .verdict .badge`).innerText();

describe("a plain-HTTP deployment reached by a host name", () => {
  it("loads its stylesheet and script, follows links and submits forms over http", async () => {
    const page = await newPage();
    const failed: string[] = [];
    page.on("requestfailed", (r) => failed.push(`${r.url()} ${r.failure()?.errorText ?? ""}`));
    await page.goto(`${h.hostUrl}/`);
    // The stylesheet applied: the page is not the browser's default black on white serif.
    const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
    expect(font).not.toMatch(/^"?Times/);
    await Promise.all([page.waitForURL(`${h.hostUrl}/bulk`), page.getByRole("link", { name: "Bulk", exact: true }).first().click()]);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toMatch(/Classify a CSV/);
    await page.goto(`${h.hostUrl}/`);
    await page.getByLabel(/Product description/).fill("IPsec VPN gateway, AES-256, IPsec throughput 40 Gbps");
    await Promise.all([page.waitForURL(/\/c\/[A-Za-z0-9_-]{22}$/), page.getByRole("button", { name: /Classify/ }).click()]);
    expect(page.url().startsWith(`${h.hostUrl}/c/`)).toBe(true);
    expect(await verdictOf(page, "export")).toContain("Licence likely required");
    expect(failed).toEqual([]);
    await shot(page, "host-name-result");
    await page.context().close();
  });
});

describe("classifying in the browser", () => {
  it("shows the classify page with its examples", async () => {
    const page = await newPage();
    await page.goto(`${h.baseUrl}/`);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Classify a product");
    expect(await page.getByRole("link", { name: "Network HSM (English)" }).count()).toBe(1);
    await shot(page, "classify");
    await page.context().close();
  });

  it("classifies an English spec and shows licence likely required with the evidence", async () => {
    const page = await newPage();
    await classify(page, "Ethernet encryptor, AES-256, encryption throughput 40 Gbps, for data-centre interconnect.");
    expect(await verdictOf(page, "import")).toContain("Licence likely required");
    expect(await verdictOf(page, "export")).toContain("Licence likely required");
    expect(await page.locator("section[aria-labelledby='export-title'] .entry-name").innerText()).toContain("5A002.b");
    expect(await page.locator(".input-text mark").allInnerTexts()).toEqual(expect.arrayContaining(["40 Gbps", "AES-256"]));
    await shot(page, "result-licence-required");

    // The permalink in a fresh context (no cookies, nothing cached) shows the same record.
    const url = page.url();
    const other = await newPage();
    await other.goto(url);
    expect(await verdictOf(other, "export")).toContain("Licence likely required");
    expect(await other.locator(".input-text").innerText()).toContain("encryption throughput 40 Gbps");
    await page.context().close();
    await other.context().close();
  });

  it("classifies a Chinese spec and lists the open questions", async () => {
    const page = await newPage("zh-CN");
    await classify(page, "PCI-E 密码卡，支持SM2/SM3/SM4，用于服务器端数据加密。");
    expect(await verdictOf(page, "import")).toContain("需要补充信息");
    const questions = await page.locator("section[aria-labelledby='import-title'] .questions li").allInnerTexts();
    expect(questions.join(" ")).toContain("加解密速率");
    await shot(page, "result-needs-info-zh");
    await page.context().close();
  });

  it("switches language with the link and remembers it", async () => {
    const page = await newPage();
    await page.goto(`${h.baseUrl}/lists`);
    await page.getByRole("link", { name: "切换到中文" }).click();
    await page.waitForURL(/\/lists$/);
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-Hans");
    await page.goto(`${h.baseUrl}/`);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("产品分类");
    await page.context().close();
  });

  it("shows an error summary that links to the field when the form is empty", async () => {
    const page = await newPage();
    await page.goto(`${h.baseUrl}/`);
    await page.getByRole("button", { name: "Classify" }).click();
    const summary = page.locator(".error-summary");
    expect(await summary.innerText()).toContain("Give a product description, an HS code, or both.");
    await summary.getByRole("link").first().click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("description");
    await shot(page, "classify-errors");
    await page.context().close();
  });

  it("renders the worksheet and a printable result", async () => {
    const page = await newPage();
    await classify(page, "服务器密码机，SM4加解密速率 20Gbps，SM2签名速率 8万次/秒，机架式。", "8543709950");
    const resultUrl = page.url();
    await page.getByRole("link", { name: "Licence application worksheet" }).click();
    await page.waitForURL(/\/worksheet$/);
    const text = await page.locator("main").innerText();
    expect(text).toContain("两用物项和技术进口许可证");
    expect(text).toContain("8543709950");
    expect(text).toContain("End-user and end-use certificates");
    await shot(page, "worksheet");
    await page.goto(resultUrl);
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".site-header").isVisible()).toBe(false);
    const pdf = await page.pdf({ format: "A4" });
    expect(pdf.byteLength).toBeGreaterThan(10_000);
    await page.context().close();
  });
});

describe("the list browser", () => {
  it("shows the editions, an entry with its thresholds, and what changed between editions", async () => {
    const page = await newPage();
    await page.goto(`${h.baseUrl}/lists`);
    expect(await page.locator("main").innerText()).toContain("export-2024");
    await shot(page, "lists");
    await page.goto(`${h.baseUrl}/lists/export-2024/5A002.b`);
    const entry = await page.locator("main").innerText();
    expect(entry).toContain("密码机");
    expect(entry).toContain("10 Gbps");
    await shot(page, "lists-entry");
    await page.goto(`${h.baseUrl}/lists/diff?from=export-2021&to=export-2024`);
    expect(await page.locator("main").innerText()).toContain("5A002.b");
    await shot(page, "lists-diff");
    await page.context().close();
  });
});

describe("answering a result's open questions", () => {
  for (const [locale, rateLabel, submit, answersFor, answeredIn] of [
    ["en-GB", /What is the symmetric encryption\/decryption rate in Gbps\?/, /Classify with these answers/, "This result answers the questions of", "Its questions are answered in"],
    ["zh-CN", /对称密码算法加解密速率是多少（Gbps）？/, /按这些答复重新分类/, "本结果回答了以下结果的问题", "其问题已在以下结果中回答"],
  ] as const) {
    it(`turns a needs_info HSM into a new, linked result from the rate given on its page (${locale})`, async () => {
      const page = await newPage(locale);
      await classify(page, "Network HSM appliance, AES-256, RSA-4096, FIPS 140-3 Level 3");
      expect(await verdictOf(page, "export")).toMatch(/More information needed|需要补充信息/);
      const first = page.url();
      await page.getByLabel(rateLabel).fill("20");
      await Promise.all([page.waitForURL((u) => /\/c\/[A-Za-z0-9_-]{22}$/.test(u.pathname) && u.href !== first), page.getByRole("button", { name: submit }).click()]);
      expect(await verdictOf(page, "export")).toMatch(/Licence likely required|可能需要许可证/);
      const main = await page.locator("main").innerText();
      expect(main).toContain(answersFor);
      expect(main).toMatch(/stated by the user|用户声明/);
      const second = page.url();
      // The worksheet of the new record carries the stated rate.
      await page.goto(`${second}/worksheet`);
      expect(await page.locator("main").innerText()).toMatch(/stated by the user|用户声明/);
      // The first record is as it was, and links to its answer.
      await page.goto(first);
      expect(await verdictOf(page, "export")).toMatch(/More information needed|需要补充信息/);
      expect(await page.locator("main").innerText()).toContain(answeredIn);
      await shot(page, `answered-${locale}`);
      await page.context().close();
    });
  }
});

describe("pages that fit", () => {
  /** Elements whose right edge runs past their card (a .panel) or past the window. */
  const overflowing = (page: Page) =>
    page.evaluate(() => {
      const out: string[] = [];
      const width = document.documentElement.clientWidth;
      for (const el of Array.from(document.querySelectorAll("main *"))) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        // Content inside a scrolling wrapper is meant to scroll, not to fit.
        if (el.closest(".table-scroll") && !el.classList.contains("table-scroll")) continue;
        const card = el.closest(".panel");
        const limit = card ? card.getBoundingClientRect().right : width;
        if (r.right > limit + 1) out.push(`${el.tagName.toLowerCase()}.${el.className} right ${Math.round(r.right)} > ${Math.round(limit)}`);
      }
      if (document.documentElement.scrollWidth > width + 1) out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
      return out.slice(0, 10);
    });

  for (const [width, locale] of [[1280, "en-GB"], [1280, "zh-CN"], [390, "en-GB"], [390, "zh-CN"]] as const) {
    it(`fits every page at ${width} px (${locale}): nothing runs past its card or the window`, async () => {
      const context = await h.browser.newContext({ locale, viewport: { width, height: 900 } });
      const page = await context.newPage();
      for (const url of ["/", "/bulk", "/lists", "/lists/export-2024", "/lists/export-2024/5A002.b", "/lists/diff?from=export-2021&to=export-2024"]) {
        await page.goto(`${h.baseUrl}${url}`);
        expect(await overflowing(page), `${url} at ${width}`).toEqual([]);
      }
      for (const text of ["Network HSM appliance, AES-256, RSA-4096, FIPS 140-3 Level 3", "IPsec VPN gateway, AES-256, IPsec throughput 40 Gbps, firewall throughput 120 Gbps"]) {
        await page.goto(`${h.baseUrl}/`);
        await page.getByLabel(/Product description|产品描述/).fill(text);
        await Promise.all([page.waitForURL(/\/c\/[A-Za-z0-9_-]{22}$/), page.getByRole("button", { name: /Classify|开始分类/ }).click()]);
        expect(await overflowing(page), `${text} at ${width}`).toEqual([]);
        await page.goto(`${page.url()}/worksheet`);
        expect(await overflowing(page), `worksheet of ${text} at ${width}`).toEqual([]);
      }
      await page.screenshot({ path: path.join(SCREENSHOTS, `fit-${width}-${locale}.png`), fullPage: true });
      await context.close();
    });
  }
});
