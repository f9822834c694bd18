import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { parse } from "csv-parse/sync";
import { neutraliseCell } from "../../src/bulk/csvSafety.ts";
import { SCREENSHOTS, startHarness, type Harness } from "./browser.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const ID = /\/c\/([A-Za-z0-9_-]{22})$/;

/** `npm run user -- add --admin NAME` as the README has it: DATABASE_PATH names the server's database, the password is stdin's first line. */
function userCommand(databasePath: string, args: string[], password: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/user.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: databasePath },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(`${password}\n`);
  });
}

/** What each journey reads and types, in the page's language. */
const LANGS = {
  en: {
    locale: "en-GB",
    htmlLang: "en",
    admin: "alice",
    classifier: "carol",
    reviewer: "rob",
    role: { admin: "admin", classifier: "classifier", reviewer: "reviewer" },
    signIn: "Sign in",
    accountName: "Account name",
    password: "Password",
    usersTitle: "Users",
    saved: "Saved.",
    name: "Name",
    roleLabel: "Role",
    addUser: "Add a user",
    description: "Product description",
    classify: "Classify",
    resultTitle: "Classification result",
    classifiedBy: (n: string) => `Classified by ${n}`,
    bulkFile: "CSV or Excel file",
    bulkSubmit: "Upload and classify",
    finished: "Finished",
    unreviewed: "Unreviewed",
    overridden: "Overridden",
    overriddenBy: (n: string) => `overridden by ${n}`,
    override: "Override it",
    verdict: "Verdict",
    entry: "List entry",
    reason: "Reason",
    submitReview: "Record the review",
    reviewReason: "SJJ1012-A ships with two cipher cards: 2 × 8 Gbps, 16 Gbps for the machine.",
    firstProduct: "型号: SJJ1012-A 服务器密码机，SM4加解密速率 8Gbps，SM2签名速率 6万次/秒",
    secondProduct: "Model SJJ1012A, server cipher machine, SM4 8 Gbps",
    precedentTitle: "Reviewed decision on the same model",
    adopt: "Adopt this decision",
    auditTitle: "Audit log",
    auditCsv: "Download as CSV",
    action: {
      userCreated: "user created",
      login: "signed in",
      classified: "classification made",
      batchUploaded: "batch uploaded",
      reviewed: "review made",
    },
  },
  zh: {
    locale: "zh-CN",
    htmlLang: "zh-Hans",
    admin: "wang.admin",
    classifier: "li.classifier",
    reviewer: "zhang.reviewer",
    role: { admin: "管理员", classifier: "分类员", reviewer: "审核员" },
    signIn: "登录",
    accountName: "账户名",
    password: "密码",
    usersTitle: "用户",
    saved: "已保存。",
    name: "账户名",
    roleLabel: "角色",
    addUser: "添加用户",
    description: "产品描述",
    classify: "开始分类",
    resultTitle: "分类结果",
    classifiedBy: (n: string) => `分类人：${n}`,
    bulkFile: "CSV或Excel文件",
    bulkSubmit: "上传并分类",
    finished: "已完成",
    unreviewed: "未审核",
    overridden: "已更正",
    overriddenBy: (n: string) => `由 ${n} 更正`,
    override: "更正该结果",
    verdict: "结论",
    entry: "清单条目",
    reason: "理由",
    submitReview: "记录审核",
    reviewReason: "SJJ1012-A 出厂配两块密码卡：2 × 8Gbps，整机 16Gbps。",
    firstProduct: "型号: SJJ1012-A 服务器密码机，SM4加解密速率 8Gbps，SM2签名速率 6万次/秒",
    secondProduct: "型号 SJJ1012A 服务器密码机，SM4 加解密速率 8 Gbps",
    precedentTitle: "同型号的已审核决定",
    adopt: "采用此决定",
    auditTitle: "审计日志",
    auditCsv: "下载 CSV",
    action: {
      userCreated: "创建用户",
      login: "登录",
      classified: "进行分类",
      batchUploaded: "上传批次",
      reviewed: "进行审核",
    },
  },
} as const;

const VERDICT_LABEL = {
  en: { licence_required: "Licence likely required", needs_info: "More information needed", below_threshold: "Below the thresholds", exempt: "Exempt: outside the lists", not_listed: "Not listed" },
  zh: { licence_required: "可能需要许可证", needs_info: "需要补充信息", below_threshold: "低于管控指标", exempt: "豁免：不在管控范围内", not_listed: "不在清单内" },
} as const;
type Verdict = keyof (typeof VERDICT_LABEL)["en"];

const PASSWORDS = { admin: "first-admin-pass-2026", classifier: "classifier-pass-2026", reviewer: "reviewer-pass-2026" } as const;

const CATALOGUE = Buffer.from(
  [
    "SKU,description",
    "SJJ-1,\"服务器密码机，SM4加解密速率 20Gbps，SM2签名速率 8万次/秒\"",
    "VPN-2,\"IPsec VPN gateway, AES-256, IPsec throughput 40 Gbps\"",
    "CBL-3,USB cable",
  ].join("\n") + "\n",
  "utf8",
);

for (const lang of ["en", "zh"] as const) {
  const L = LANGS[lang];
  const V = VERDICT_LABEL[lang];

  describe(`a team of admin, classifier and reviewer (${L.locale})`, () => {
    let h: Harness;
    const contexts: BrowserContext[] = [];
    /** What later steps need from earlier ones. */
    const s: { admin?: Page; classifier?: Page; reviewer?: Page; firstId?: string; batchId?: string; overrideVerdict?: Verdict } = {};

    beforeAll(async () => {
      h = await startHarness();
    });
    afterAll(async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await h?.close();
    });

    /** A browser of its own per person: no shared cookies. */
    async function newPage(): Promise<Page> {
      const context = await h.browser.newContext({ locale: L.locale, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      contexts.push(context);
      const page = await context.newPage();
      page.on("pageerror", (err) => {
        throw err;
      });
      return page;
    }

    const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `team-${name}-${lang}.png`), fullPage: true });

    async function signIn(page: Page, name: string, password: string, role: string): Promise<void> {
      await page.goto(`${h.baseUrl}/login`);
      expect(await page.locator("html").getAttribute("lang")).toBe(L.htmlLang);
      expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(L.signIn);
      await page.getByLabel(L.accountName, { exact: true }).fill(name);
      await page.getByLabel(L.password, { exact: true }).fill(password);
      await Promise.all([page.waitForURL(`${h.baseUrl}/`), page.locator("form[action='/login']").getByRole("button", { name: L.signIn, exact: true }).click()]);
      // The header names the account and its role.
      const account = lang === "en" ? `${name} (${role})` : `${name}（${role}）`;
      expect(await page.locator(".site-header").getByRole("link", { name: account, exact: true }).count()).toBe(1);
    }

    async function classify(page: Page, description: string): Promise<string> {
      await page.goto(`${h.baseUrl}/`);
      await page.getByLabel(L.description).fill(description);
      await Promise.all([page.waitForURL(ID), page.getByRole("button", { name: L.classify, exact: true }).click()]);
      expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(L.resultTitle);
      return (ID.exec(page.url()) as RegExpExecArray)[1] as string;
    }

    const exportSection = (page: Page) => page.locator('section[aria-labelledby="export-title"]');
    const exportStatus = (page: Page) => page.locator("#review-export .review-status");
    const exportVerdict = (page: Page) => exportSection(page).locator(".verdict .badge").first().innerText();

    /** The audit table's rows as [user, action, target] — its entries are written soon after the action, so read until `until` holds. */
    async function auditRows(page: Page, until: (rows: string[][]) => boolean): Promise<string[][]> {
      let rows: string[][] = [];
      await expect
        .poll(
          async () => {
            await page.goto(`${h.baseUrl}/admin/audit`);
            rows = await page.locator("table.audit tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => (td.textContent ?? "").trim())));
            return until(rows.map((r) => r.slice(1)));
          },
          { timeout: 15_000, interval: 200 },
        )
        .toBe(true);
      return rows.map((r) => r.slice(1));
    }
    const has = (rows: string[][], user: string, action: string, target?: string) => rows.some((r) => r[0] === user && r[1] === action && (target === undefined || r[2] === target));

    it("the first admin is made by the user command, signs in and adds a classifier and a reviewer on /admin/users", async () => {
      // Before any account the app is in single-user mode and /login sends you home.
      const page = await newPage();
      s.admin = page;
      await page.goto(`${h.baseUrl}/login`);
      expect(page.url()).toBe(`${h.baseUrl}/`);

      const made = await userCommand(h.databasePath, ["add", "--admin", L.admin], PASSWORDS.admin);
      expect(made.stderr).toBe("");
      expect(made.code).toBe(0);
      expect(made.stdout).toBe(`Added ${L.admin} (admin).\n`);

      // From the first account on, a signed-out browser is sent to sign in.
      await page.goto(`${h.baseUrl}/admin/users`);
      expect(new URL(page.url()).pathname).toBe("/login");
      await shot(page, "login");

      await signIn(page, L.admin, PASSWORDS.admin, L.role.admin);
      await page.getByRole("link", { name: L.usersTitle, exact: true }).click();
      await page.waitForURL(`${h.baseUrl}/admin/users`);
      expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(L.usersTitle);

      for (const role of ["classifier", "reviewer"] as const) {
        if (page.url() !== `${h.baseUrl}/admin/users`) await page.goto(`${h.baseUrl}/admin/users`);
        const form = page.locator('section[aria-labelledby="add-user"]');
        expect(await form.getByRole("heading").innerText()).toBe(L.addUser);
        await form.getByLabel(L.name, { exact: true }).fill(L[role]);
        await form.getByLabel(L.password, { exact: true }).fill(PASSWORDS[role]);
        await form.getByLabel(L.roleLabel, { exact: true }).selectOption(role);
        await Promise.all([page.waitForURL(`${h.baseUrl}/admin/users?saved=1`), form.getByRole("button", { name: L.addUser, exact: true }).click()]);
        expect(await page.getByRole("status").innerText()).toBe(L.saved);
        const row = page.locator("table tbody tr").filter({ has: page.getByRole("rowheader", { name: L[role], exact: true }) });
        expect(await row.count()).toBe(1);
        expect(await row.locator("select[name='role'] option:checked").innerText()).toBe(L.role[role]);
      }
      const names = await page.locator("table tbody th[scope='row']").allInnerTexts();
      expect(names.sort()).toEqual([L.admin, L.classifier, L.reviewer].sort());
      await shot(page, "admin-users");
    });

    it("the classifier signs in, classifies a product and uploads a CSV that finishes", async () => {
      const page = await newPage();
      s.classifier = page;
      await signIn(page, L.classifier, PASSWORDS.classifier, L.role.classifier);

      s.firstId = await classify(page, L.firstProduct);
      expect(await page.locator("main").innerText()).toContain(L.classifiedBy(L.classifier));
      expect(await page.locator(".input-text").innerText()).toContain("SJJ1012-A");
      expect(await exportStatus(page).innerText()).toBe(L.unreviewed);
      // A classifier may not review: no review form.
      expect(await page.locator("form.review-form").count()).toBe(0);
      await shot(page, "classifier-result");

      await page.goto(`${h.baseUrl}/bulk`);
      await page.getByLabel(L.bulkFile).setInputFiles({ name: "team-catalogue.csv", mimeType: "text/csv", buffer: CATALOGUE });
      await Promise.all([page.waitForURL(/\/b\/[A-Za-z0-9_-]{22}$/), page.getByRole("button", { name: L.bulkSubmit, exact: true }).click()]);
      s.batchId = (/\/b\/([A-Za-z0-9_-]{22})$/.exec(page.url()) as RegExpExecArray)[1];
      // The page's own script polls the batch and reloads it with its summary when it is done.
      await page.locator("#summary-title").waitFor({ timeout: 30_000 });
      expect(await page.locator(".status-pill").first().innerText()).toBe(L.finished);
      expect(await page.locator("table.batch-rows tbody tr").count()).toBe(3);
      expect(await page.locator("table.batch-rows").innerText()).toContain("VPN-2");
      expect(await page.locator("table.bars").first().innerText()).toContain(V.licence_required);
      await shot(page, "classifier-batch");
    });

    it("the reviewer signs in and overrides the export direction of the classifier's result with a verdict, an entry and a reason", async () => {
      expect(s.firstId).toBeDefined();
      const page = await newPage();
      s.reviewer = page;
      await signIn(page, L.reviewer, PASSWORDS.reviewer, L.role.reviewer);
      await page.goto(`${h.baseUrl}/c/${s.firstId}`);
      expect(await page.locator("main").innerText()).toContain(L.classifiedBy(L.classifier));
      expect(await exportStatus(page).innerText()).toBe(L.unreviewed);

      // Override to a verdict the engine did not give.
      const engine = await exportVerdict(page);
      const verdict: Verdict = engine.includes(V.licence_required) ? "below_threshold" : "licence_required";
      s.overrideVerdict = verdict;
      const form = page.locator("#review-export form.review-form");
      await form.getByLabel(L.override, { exact: true }).check();
      await form.getByLabel(L.verdict, { exact: true }).selectOption(verdict);
      const entries = (await form.getByLabel(L.entry, { exact: true }).locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).filter((v) => v !== "");
      expect(entries.length).toBeGreaterThan(0);
      const entry = entries.includes("5A002.b") ? "5A002.b" : (entries[0] as string);
      await form.getByLabel(L.entry, { exact: true }).selectOption(entry);
      await form.getByLabel(L.reason, { exact: true }).fill(L.reviewReason);
      await form.getByRole("button", { name: L.submitReview, exact: true }).click();
      // The form posts and the page comes back with the review: wait for the status to change.
      await page.locator("#review-export .review-status--overridden").waitFor({ timeout: 10_000 });
      expect(new URL(page.url()).pathname).toBe(`/c/${s.firstId}`);

      expect(await exportStatus(page).innerText()).toBe(L.overridden);
      expect(await exportStatus(page).getAttribute("class")).toContain("review-status--overridden");
      const history = await page.locator("#review-export .review-history li").allInnerTexts();
      expect(history).toHaveLength(1);
      expect(history[0]).toContain(L.overriddenBy(L.reviewer));
      expect(history[0]).toContain(V[verdict]);
      expect(history[0]).toContain(entry);
      expect(history[0]).toContain(L.reviewReason);
      // The import direction is untouched.
      expect(await page.locator("#review-import .review-status").innerText()).toBe(L.unreviewed);
      await shot(page, "reviewer-override");

      // The classifier sees the review on the same page.
      const classifier = s.classifier as Page;
      await classifier.goto(`${h.baseUrl}/c/${s.firstId}`);
      expect(await exportStatus(classifier).innerText()).toBe(L.overridden);
      expect(await classifier.locator("#review-export .review-history").innerText()).toContain(L.reviewReason);
    });

    // The precedent: the section beside the result, its heading, the "Adopt this decision" button and the
    // adopted review's reason citing /c/<first id>.
    it("precedent: a second classification of the same model shows the reviewed decision, and the reviewer adopts it", async () => {
      expect(s.firstId).toBeDefined();
      expect(s.overrideVerdict).toBeDefined();
      const classifier = s.classifier as Page;
      const secondId = await classify(classifier, L.secondProduct);
      expect(secondId).not.toBe(s.firstId);
      const precedent = classifier.locator('section[aria-labelledby="precedent-title"]');
      expect(await precedent.count(), "the result page has a precedent section").toBe(1);
      expect(await precedent.locator("#precedent-title").innerText()).toBe(L.precedentTitle);
      const told = await precedent.innerText();
      expect(told).toContain(L.reviewer);
      expect(told).toContain(V[s.overrideVerdict as Verdict]);
      // Only a reviewer may adopt it.
      expect(await precedent.getByRole("button", { name: L.adopt, exact: true }).count()).toBe(0);
      await shot(classifier, "precedent-classifier");

      const reviewer = s.reviewer as Page;
      await reviewer.goto(`${h.baseUrl}/c/${secondId}`);
      expect(await exportStatus(reviewer).innerText()).toBe(L.unreviewed);
      const section = reviewer.locator('section[aria-labelledby="precedent-title"]');
      expect(await section.locator("#precedent-title").innerText()).toBe(L.precedentTitle);
      await section.getByRole("button", { name: L.adopt, exact: true }).click();
      // The adoption comes back as a review of this record: wait for the status to change.
      await reviewer.locator("#review-export .review-status--overridden").waitFor({ timeout: 10_000 });
      expect(new URL(reviewer.url()).pathname).toBe(`/c/${secondId}`);
      expect(await exportStatus(reviewer).innerText()).toBe(L.overridden);
      const last = (await reviewer.locator("#review-export .review-history li").allInnerTexts()).at(-1) ?? "";
      expect(last).toContain(L.overriddenBy(L.reviewer));
      expect(last).toContain(V[s.overrideVerdict as Verdict]);
      expect(last).toContain(`/c/${s.firstId}`);
      await shot(reviewer, "precedent-adopted");

      // The adoption is a review of the second record in the audit log.
      const rows = await auditRows(s.admin as Page, (r) => has(r, L.reviewer, L.action.reviewed, secondId));
      expect(has(rows, L.reviewer, L.action.reviewed, s.firstId)).toBe(true);
    });

    it("the admin's audit log lists what all three did, and downloads it as CSV", async () => {
      expect(s.firstId).toBeDefined();
      expect(s.batchId).toBeDefined();
      const page = s.admin as Page;
      const all = (r: string[][]) =>
        has(r, L.classifier, L.action.classified, s.firstId) && has(r, L.classifier, L.action.batchUploaded, s.batchId) && has(r, L.reviewer, L.action.reviewed, s.firstId);
      const rows = await auditRows(page, all);
      expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(L.auditTitle);
      // The first admin made by the command line, the other two by the admin.
      expect(has(rows, "(command line)", L.action.userCreated, L.admin)).toBe(true);
      expect(has(rows, L.admin, L.action.userCreated, L.classifier)).toBe(true);
      expect(has(rows, L.admin, L.action.userCreated, L.reviewer)).toBe(true);
      for (const who of [L.admin, L.classifier, L.reviewer]) expect(has(rows, who, L.action.login), `${who} signed in`).toBe(true);
      const review = rows.find((r) => r[0] === L.reviewer && r[1] === L.action.reviewed && r[2] === s.firstId) as string[];
      expect(review[3]).toContain(`export: overridden ${s.overrideVerdict}`);
      // Newest first: the review came after the classification it reviews.
      const at = (user: string, action: string, target: string) => rows.findIndex((r) => r[0] === user && r[1] === action && r[2] === target);
      expect(at(L.reviewer, L.action.reviewed, s.firstId as string)).toBeLessThan(at(L.classifier, L.action.classified, s.firstId as string));
      await shot(page, "audit");

      // Filtered by one user.
      await page.locator("#audit-user").selectOption(L.classifier);
      await Promise.all([page.waitForURL(/\/admin\/audit\?user=/), page.locator("form.filters button[type='submit']").click()]);
      const users = await page.locator("table.audit tbody tr td:nth-child(2)").allInnerTexts();
      expect(users.length).toBeGreaterThan(0);
      expect(new Set(users)).toEqual(new Set([L.classifier]));

      // The export link answers with CSV: the whole log, as the unfiltered page.
      await page.goto(`${h.baseUrl}/admin/audit`);
      const link = page.getByRole("link", { name: L.auditCsv, exact: true });
      const href = (await link.getAttribute("href")) as string;
      const answer = await page.context().request.get(new URL(href, h.baseUrl).toString());
      expect(answer.status()).toBe(200);
      expect(answer.headers()["content-type"]).toMatch(/^text\/csv/);
      const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
      expect(download.suggestedFilename()).toBe("audit.csv");
      const csv = fs.readFileSync(await download.path(), "utf8").replace(/^\ufeff/, "");
      const [header, ...records] = parse(csv) as string[][];
      expect(header).toEqual(["at", "user", "action", "target", "detail"]);
      // An id that starts like a formula (-, +, =, @) is written with an apostrophe, as every CSV of the app.
      const inCsv = (user: string, action: string, target: string) => records.some((r) => r[1] === user && r[2] === action && r[3] === neutraliseCell(target));
      expect(inCsv("(command line)", "user_created", L.admin)).toBe(true);
      expect(inCsv(L.admin, "user_created", L.classifier)).toBe(true);
      expect(inCsv(L.admin, "user_created", L.reviewer)).toBe(true);
      expect(inCsv(L.classifier, "classified", s.firstId as string)).toBe(true);
      expect(inCsv(L.classifier, "batch_uploaded", s.batchId as string)).toBe(true);
      expect(inCsv(L.reviewer, "reviewed", s.firstId as string)).toBe(true);
      for (const who of [L.admin, L.classifier, L.reviewer]) expect(records.some((r) => r[1] === who && r[2] === "login"), `${who} signed in`).toBe(true);
      // No password in the log.
      for (const pw of Object.values(PASSWORDS)) expect(csv).not.toContain(pw);
    });
  });
}
