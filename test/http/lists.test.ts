import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import request from "supertest";
import { testApp } from "../support/testApp.ts";
import { MISSING_MARK } from "../../src/web/i18n/index.ts";
import { listsEn, listsZh } from "../../src/web/i18n/lists.ts";

const { app } = testApp();

type Lang = "en" | "zh-header" | "zh-cookie";
const get = (url: string, lang: Lang = "en") => {
  const req = request(app).get(url);
  if (lang === "zh-header") return req.set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5");
  if (lang === "zh-cookie") return req.set("Cookie", "lang=zh");
  return req.set("Accept-Language", "en-GB,en;q=0.9");
};

const PAGES = [
  "/lists",
  "/lists/import-2021",
  "/lists/export-2021",
  "/lists/export-2024",
  "/lists/import-2021/I-3",
  "/lists/export-2021/1.2",
  "/lists/export-2024/5A002.a",
  "/lists/export-2024/5A002.b",
  "/lists/export-2024/5B002.a",
  "/lists/export-2024/5E002",
  "/lists/diff?from=export-2021&to=export-2024",
  "/lists/diff?from=export-2024&to=export-2021",
];

describe("every list page, in English and in Chinese", () => {
  it.each(PAGES.flatMap((url) => (["en", "zh-header", "zh-cookie"] as const).map((lang) => [url, lang] as const)))(
    "%s (%s) answers 200 with a complete, script-free page",
    async (url, lang) => {
      const res = await get(url, lang);
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(/text\/html/);
      expect(res.text).not.toContain(MISSING_MARK);
      expect(res.text).not.toMatch(/<script/i);
      expect(res.text).toContain(lang === "en" ? '<html lang="en">' : '<html lang="zh-Hans">');
      expect(res.text).toMatch(/<a href="\/lists" aria-current="?page"?>/);
      expect(res.text.match(/<h1[ >]/g)).toHaveLength(1);
    },
  );
});

describe("GET /lists", () => {
  it("shows every edition with direction, titles, instrument, dates, status today, confidence and sources", async () => {
    const res = await get("/lists");
    for (const id of ["import-2021", "export-2021", "export-2024"]) expect(res.text).toContain(`href="/lists/${id}"`);
    expect(res.text).toContain('<span lang="zh-Hans">商用密码进口许可清单</span>');
    expect(res.text).toContain("Commercial Cryptography Import Licence List");
    expect(res.text).toContain("商务部 国家密码局 海关总署公告2020年第63号 附件2");
    expect(res.text).toContain("MOFCOM / SCA / GAC Announcement 2020 No. 63, Attachment 2");
    expect(res.text).toContain("2024-11-30");
    expect(res.text).toContain("In force (no end date)");
    // The test clock is 2026-11-29: the 2021 export list stopped applying on 2024-11-30.
    expect(res.text.match(/In force today/g)?.length).toBeGreaterThanOrEqual(2);
    expect(res.text).toContain("No longer in force");
    expect(res.text).toContain(">Import<");
    expect(res.text).toContain(">Export<");
    expect(res.text).toContain("Likely");
    expect(res.text).toContain("Confirmed");
    expect(res.text).toContain('href="http://exportcontrol.mofcom.gov.cn/article/zcfg/gnzcfg/zcfggzqd/202411/1067.html"');
    // The notes, both languages, with their confidence.
    expect(res.text).toContain("大众消费类产品所采用的商用密码不实行进口许可和出口管制制度");
    expect(res.text).toContain("Commercial cryptography used in mass-market consumer products");
    expect(res.text).toContain("Confidence: Confirmed");
  });

  it("uses the clock: before 1 Dec 2024 the 2024 list is not yet in force and the 2021 list is", async () => {
    const early = testApp({ now: new Date("2024-11-30T15:00:00Z") }).app; // 23:00 in Beijing, still 30 Nov
    const res = await request(early).get("/lists");
    const section = (id: string) => res.text.slice(res.text.indexOf(`id="edition-${id}"`)).split("</section>")[0] ?? "";
    expect(section("export-2024")).toContain("Not yet in force");
    expect(section("export-2021")).toContain("In force today");
    const late = await request(testApp({ now: new Date("2024-11-30T16:00:00Z") }).app).get("/lists"); // 1 Dec in Beijing
    expect(late.text.slice(late.text.indexOf('id="edition-export-2021"')).split("</section>")[0]).toContain("No longer in force");
  });

  it("has a labelled compare form, pre-filled export-2021 → export-2024", async () => {
    const res = await get("/lists");
    expect(res.text).toMatch(/<form method="get" action="\/lists\/diff"/);
    expect(res.text).toContain('<label for="diff-from">From edition</label>');
    expect(res.text).toContain('<label for="diff-to">To edition</label>');
    expect(res.text).toMatch(/<select id="diff-from" name="from"[^>]*>[\s\S]*?<option value="export-2021" selected>/);
    expect(res.text).toMatch(/<select id="diff-to" name="to"[^>]*>[\s\S]*?<option value="export-2024" selected>/);
  });

  it("is in Chinese with the language cookie", async () => {
    const res = await get("/lists", "zh-cookie");
    expect(res.text).toContain("清单版本");
    expect(res.text).toContain("今日有效");
    expect(res.text).toContain("已停止适用");
    expect(res.text).toContain(">出口<");
    expect(res.text).toContain('<label for="diff-from">原版本</label>');
  });
});

describe("GET /lists/:edition", () => {
  it("lists the entries with links, names, readable thresholds, HS codes and confidence", async () => {
    const res = await get("/lists/export-2024");
    expect(res.text).toContain('<th scope="col">Key thresholds</th>');
    expect(res.text).toContain('<th scope="row"><a href="/lists/export-2024/5A002.b">5A002.b</a></th>');
    expect(res.text).toContain('<td lang="zh-Hans">密码机、密码卡</td>');
    expect(res.text).toContain("Cryptographic machines and cryptographic cards");
    expect(res.text).toContain("≥ 64-bit symmetric / ≥ 768-bit RSA / ≥ 128-bit ECC");
    expect(res.text).toContain("≥ 10 Gbps symmetric encryption/decryption or ≥ 50,000 tps asymmetric signatures");
    expect(res.text).toContain("≥ 10,000 managed objects");
    expect(res.text).toContain("dedicated to the power, taxation, public security, finance sectors");
    expect(res.text).toContain("<code>8543709950</code>");
    expect(res.text.match(/<tr>\s*<th scope="row">/g)).toHaveLength(11);
  });

  it("renders the thresholds in Chinese", async () => {
    const res = await get("/lists/export-2024", "zh-header");
    expect(res.text).toContain("对称算法 ≥ 64 位");
    expect(res.text).toContain("对称加解密速率 ≥ 10 Gbps 或 非对称签名速率 ≥ 50,000 tps");
    expect(res.text).toContain("管理对象 ≥ 10,000 个");
    expect(res.text).toContain("专门用于电力、税务、公安、金融领域");
    expect(res.text).toContain("具有下列特征之一");
  });

  it("URL-encodes entry ids in links", async () => {
    const res = await get("/lists/import-2021");
    expect(res.text).toContain('href="/lists/import-2021/I-3"');
  });
});

describe("GET /lists/:edition/:entry", () => {
  it("matches ids with dots and shows the entry in full (export-2024 5A002.b)", async () => {
    const res = await get("/lists/export-2024/5A002.b");
    expect(res.status).toBe(200);
    expect(res.text).toContain('<span lang="zh-Hans">密码机、密码卡</span>');
    expect(res.text).toContain('<blockquote lang="zh-Hans">具有以下两种特性，以实现密码运算为主要功能的设备（密码机、密码卡）');
    expect(res.text).toContain('<blockquote lang="en">Equipment whose main function is cryptographic computation');
    expect(res.text).toContain("10 Gbps");
    expect(res.text).toContain("≥ 50,000 tps asymmetric signatures");
    expect(res.text).toContain("Yes: only equipment whose main function this is");
    expect(res.text).toContain("台/千克");
    expect(res.text).toContain("<code>8543709950</code>");
    // The same item in the 2021 edition.
    expect(res.text).toContain('<a href="/lists/export-2021/1.2">export-2021 · 1.2</a>');
    expect(res.text).toContain("密码机（密码卡）");
  });

  it("shows anyOf criteria as alternatives, each with its own list text, and HS names", async () => {
    const res = await get("/lists/export-2024/5A002.a");
    expect(res.text).toContain("Any one of the following");
    expect(res.text).toContain('<ol class="lists-alternatives-full">');
    expect(res.text).toContain('<dd lang="zh-Hans">专门用于电力、税务、公安、金融等领域</dd>');
    expect(res.text).toContain("dedicated to the power, taxation, public security, finance sectors");
    expect(res.text).toContain("专用集成电路芯片（安全芯片）");
    expect(res.text).toContain('href="/lists/export-2021/1.1"');
  });

  it("links the entries a speciallyDesigned criterion refers to", async () => {
    const res = await get("/lists/export-2024/5B002.a");
    expect(res.text).toContain('href="/lists/export-2024/5A002.a"');
    expect(res.text).toContain('href="/lists/export-2024/5A004"');
    expect(res.text).toContain('href="/lists/export-2021/2.1"');
  });

  it("shows the 2021 entry's counterpart and its confidence note", async () => {
    const res = await get("/lists/export-2021/1.2", "zh-cookie");
    expect(res.text).toContain('<a href="/lists/export-2024/5A002.b">export-2024 · 5A002.b</a>');
    expect(res.text).toContain("the 2020 list&#39;s own numbering and exact wording were not seen");
    expect(res.text).toContain("对称加解密速率 ≥ 10 Gbps");
    expect(res.text).toContain("是：仅限以此为主要功能的设备");
  });

  it("says when an entry has no counterpart and no HS code", async () => {
    const res = await get("/lists/import-2021/I-3");
    expect(res.text).toContain("This entry has no counterpart in other editions.");
    const noHs = await get("/lists/export-2024/5A004");
    expect(noHs.text).toContain("No HS code is given for this entry.");
  });
});

describe("unknown and hostile addresses", () => {
  it.each([
    "/lists/nope",
    "/lists/EXPORT-2024",
    "/lists/export-2099",
    "/lists/export-2024/nope",
    "/lists/export-2024/5a002.b",
    "/lists/export-2021/5A002.b",
    "/lists/export-2024/5A002.b/extra",
    "/lists/..%2F..%2Fetc",
    "/lists/..%2F..%2Fetc%2Fpasswd",
    "/lists/export-2024/..%2F..%2Fpackage.json",
    "/lists/%2e%2e",
    "/lists/__proto__",
    "/lists/export-2024/__proto__",
    "/lists/%E0%A4%A",
    "/lists/export-2024/%E0%A4%A",
  ])("%s answers 404 with the error page", async (url) => {
    const res = await get(url);
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.text).toContain("Page not found");
    expect(res.text).not.toMatch(/at .*\.ts|node_modules|root:/);
  });

  it("answers 404 in Chinese too", async () => {
    const res = await get("/lists/export-2024/nope", "zh-header");
    expect(res.status).toBe(404);
    expect(res.text).toContain("页面不存在");
  });
});

describe("GET /lists/diff", () => {
  it("lists the renumbering 1.2 → 5A002.b with links to both entries", async () => {
    const res = await get("/lists/diff?from=export-2021&to=export-2024");
    expect(res.status).toBe(200);
    expect(res.text).toContain("Changes from export-2021 to export-2024");
    expect(res.text).toMatch(
      /<th scope="row"><a href="\/lists\/export-2021\/1\.2">1\.2<\/a><\/th>\s*<td><span aria-hidden="true">→ <\/span><a href="\/lists\/export-2024\/5A002\.b">5A002\.b<\/a><\/td>/,
    );
    expect(res.text).toContain("Renumbered entries (11)");
    expect(res.text).toContain("Added entries (0)");
    expect(res.text).toContain("Removed entries (0)");
  });

  it("shows names changed, wording changed, and no threshold change", async () => {
    const res = await get("/lists/diff?from=export-2021&to=export-2024");
    expect(res.text).toContain('<del lang="zh-Hans">密码机（密码卡）</del> → <ins lang="zh-Hans">密码机、密码卡</ins>');
    expect(res.text).toContain("Wording changed");
    expect(res.text).toContain("The thresholds are the same; only the wording differs.");
    expect(res.text).not.toContain("Thresholds changed");
    expect(res.text).toContain("Changed entries (5)");
    expect(res.text).toContain("Unchanged entries (6)");
  });

  it("keeps the chosen editions selected in the form", async () => {
    const res = await get("/lists/diff?from=export-2024&to=export-2021");
    expect(res.text).toMatch(/<select id="diff-from" name="from"[^>]*>[\s\S]*?<option value="export-2024" selected>/);
    expect(res.text).toContain("5A002.b</a> → <a");
  });

  it("is in Chinese", async () => {
    const res = await get("/lists/diff?from=export-2021&to=export-2024", "zh-cookie");
    expect(res.text).toContain("从 export-2021 到 export-2024 的变化");
    expect(res.text).toContain("重新编号的条目（11）");
    expect(res.text).toContain("管控阈值相同，仅文字表述不同。");
  });

  it.each([
    ["", "Choose the edition to compare from."],
    ["?from=export-2021", "Choose the edition to compare to."],
    ["?to=export-2024", "Choose the edition to compare from."],
    ["?from=&to=", "Choose the edition to compare to."],
    ["?from=export-2099&to=export-2024", "There is no edition “export-2099”."],
    ["?from=export-2021&to=..%2F..%2Fetc", "There is no edition “../../etc”."],
    ["?from=export-2024&to=export-2024", "Choose two different editions."],
    ["?from=import-2021&to=export-2024", "import-2021 (Import) and export-2024 (Export) are different lists"],
    ["?from=export-2021&from=export-2024&to=export-2024", "Choose the edition to compare from."],
    ["?from=%3Cscript%3Ealert(1)%3C%2Fscript%3E&to=export-2024", "There is no edition “&lt;script&gt;alert(1)&lt;/script&gt;”."],
  ])("answers 400 for %s with a clear message on the page", async (query, message) => {
    const res = await get(`/lists/diff${query}`);
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.text).toContain('<div class="error-summary" role="alert"');
    expect(res.text).toContain(message);
    expect(res.text).not.toContain("<script>");
    expect(res.text).not.toContain(MISSING_MARK);
    expect(res.text).not.toMatch(/at .*\.ts|node_modules/);
    expect(res.text).toContain('<label for="diff-from">');
  });

  it("cuts a long unknown id before echoing it", async () => {
    const res = await get(`/lists/diff?from=${"x".repeat(500)}&to=export-2024`);
    expect(res.status).toBe(400);
    const summary = res.text.slice(res.text.indexOf('class="error-summary"')).split("</div>")[0];
    expect(summary).toContain(`“${"x".repeat(40)}…”`);
    expect(summary).not.toContain("x".repeat(41));
  });

  it("answers 400 in Chinese", async () => {
    const res = await get("/lists/diff?from=import-2021&to=export-2021", "zh-header");
    expect(res.status).toBe(400);
    expect(res.text).toContain("import-2021（进口）与 export-2021（出口）不是同一类清单");
  });
});

describe("the list browser's words and templates", () => {
  it("has a non-empty Chinese translation for every English key", () => {
    for (const key of Object.keys(listsEn) as (keyof typeof listsEn)[]) {
      expect(listsZh[key], key).toMatch(/\S/);
    }
    expect(Object.keys(listsZh).sort()).toEqual(Object.keys(listsEn).sort());
  });

  it("uses <%- only for include in its views", () => {
    const views = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../views");
    const files = fs.readdirSync(views).filter((f) => f.startsWith("lists"));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const source = fs.readFileSync(path.join(views, f), "utf8");
      for (const m of source.matchAll(/<%-(.*?)%>/gs)) expect(m[1]?.trim(), f).toMatch(/^include\(/);
    }
  });
});
