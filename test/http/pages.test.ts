import { describe, expect, it } from "vitest";
import request from "supertest";
import { openClassificationStore } from "../../src/store/classificationStore.ts";
import { MISSING_MARK } from "../../src/web/i18n/index.ts";
import { formClient, listData, testApp } from "../support/testApp.ts";

type App = ReturnType<typeof testApp>["app"];

async function postForm(app: App, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const { agent, csrf } = await formClient(app);
  return agent.post("/classify").set(headers).type("form").send({ ...fields, _csrf: csrf });
}

async function classifyViaForm(app: App, fields: Record<string, string>): Promise<string> {
  const res = await postForm(app, fields);
  expect(res.status).toBe(303);
  expect(res.headers.location).toMatch(/^\/c\/[A-Za-z0-9_-]{22}$/);
  return res.headers.location as string;
}

describe("classify page", () => {
  it("shows the form with today's date in China and the examples", async () => {
    const { app } = testApp();
    const res = await request(app).get("/");
    expect(res.status).toBe(200);
    expect(res.text).toContain('<label for="description">Product description</label>');
    expect(res.text).toContain('value="2026-11-29"');
    expect(res.text).toContain('href="/?example=hsm-en"');
  });

  it("pre-fills an example in one click", async () => {
    const { app } = testApp();
    const res = await request(app).get("/?example=vpn-gateway-en");
    expect(res.text).toContain("IPsec VPN gateway appliance");
    expect(res.text).toContain('value="8517622920"');
  });

  it("re-renders an empty submission with 400, an error summary linking to the field, and nothing lost", async () => {
    const { app } = testApp();
    const res = await postForm(app, { description: "  ", hsCode: "", asOf: "2025-01-15" });
    expect(res.status).toBe(400);
    expect(res.text).toContain('class="error-summary"');
    expect(res.text).toContain('<a href="#description">Give a product description, an HS code, or both.</a>');
    expect(res.text).toContain('value="2025-01-15"');
  });

  it.each([
    [{ description: "HSM", hsCode: "12ab" }, "#hsCode", "The HS code must be 2 to 10 digits"],
    [{ description: "HSM", asOf: "2025-02-30" }, "#asOf", "Enter a real date as YYYY-MM-DD."],
    [{ description: "x".repeat(5001) }, "#description", "at most 5,000 characters"],
  ])("names the bad field %#", async (fields, anchor, message) => {
    const { app } = testApp();
    const res = await postForm(app, fields);
    expect(res.status).toBe(400);
    expect(res.text).toContain(`href="${anchor}"`);
    expect(res.text).toContain(message);
    expect(res.text).toContain('aria-invalid="true"');
  });

  it("keeps what the user typed, escaped", async () => {
    const { app } = testApp();
    const res = await postForm(app, { description: "<script>alert(1)</script>", hsCode: "bad<b>" });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain("<script>alert(1)</script>");
    expect(res.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(res.text).toContain('value="bad&lt;b&gt;"');
  });
});

describe("result page", () => {
  it("shows both directions with verdicts, checks, evidence and the edition's instrument", async () => {
    const { app } = testApp();
    const location = await classifyViaForm(app, { description: "Ethernet encryptor, AES-256, encryption throughput 40 Gbps." });
    const res = await request(app).get(location);
    expect(res.status).toBe(200);
    expect(res.text).toContain("badge--licence_required");
    expect(res.text).toContain("5A002.b");
    expect(res.text).toContain("<mark>40 Gbps</mark>");
    expect(res.text).toContain("公告2020年第63号");
    expect(res.text).toContain(`href="/?from=${location.slice(3)}"`);
  });

  it("lists the open questions for needs_info", async () => {
    const { app } = testApp();
    const location = await classifyViaForm(app, { description: "Network HSM appliance, RSA signing." });
    const res = await request(app).get(location);
    expect(res.text).toContain("badge--needs_info");
    expect(res.text).toContain("What is the symmetric encryption/decryption rate in Gbps?");
    expect(res.text).toContain("What key length does it use for RSA?");
  });

  it("pre-fills the form to edit and re-classify", async () => {
    const { app } = testApp();
    const location = await classifyViaForm(app, { description: "加密机，SM4，1.5 GB/s", hsCode: "8543709950", asOf: "2025-03-01" });
    const res = await request(app).get(`/?from=${location.slice(3)}`);
    expect(res.text).toContain("加密机，SM4，1.5 GB/s</textarea>");
    expect(res.text).toContain('value="8543709950"');
    expect(res.text).toContain('value="2025-03-01"');
  });

  it("is drawn from the stored record, not a re-run on today's data", async () => {
    const store = openClassificationStore(":memory:");
    const { app } = testApp({ store });
    const location = await classifyViaForm(app, { description: "Crypto card, 12 Gbps, SM1." });
    // The list data changes later: the entry is renamed. The old result must read as decided.
    const changed = structuredClone(listData());
    const edition = changed.editions.find((e) => e.id === "export-2024");
    const entry = edition?.entries.find((e) => e.id === "5A002.b");
    if (!entry) throw new Error("test data missing 5A002.b");
    entry.nameZh = "改名后的条目";
    const { app: later } = testApp({ store, listData: changed });
    const res = await request(later).get(location);
    expect(res.text).toContain("密码机、密码卡");
    expect(res.text).not.toContain("改名后的条目");
  });

  it.each(["/c/nope", "/c/AAAAAAAAAAAAAAAAAAAAAA", "/c/..%2F..%2Fetc%2Fpasswd", "/c/AAAAAAAAAAAAAAAAAAAAAA/worksheet"])(
    "answers 404 with a page for %s",
    async (path) => {
      const { app } = testApp();
      const res = await request(app).get(path);
      expect(res.status).toBe(404);
      expect(res.text).toContain("Page not found");
    },
  );
});

describe("worksheet", () => {
  it("fills what the classification knows and says where each value came from", async () => {
    const { app } = testApp();
    const location = await classifyViaForm(app, { description: "服务器密码机，SM4加解密速率 20Gbps，SM2签名速率 8万次/秒。", hsCode: "8543709950" });
    const page = await request(app).get(`${location}/worksheet`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("两用物项和技术进口许可证");
    expect(page.text).toContain("End-user and end-use certificates");
    expect(page.text).toContain("Technical description or test report of the item");
    const json = await request(app).get(`${location}/worksheet.json`);
    expect(json.status).toBe(200);
    const importSection = json.body.sections.find((s: { direction: string }) => s.direction === "import");
    expect(importSection.applies).toBe(true);
    const rate = importSection.fields.find((f: { key: string }) => f.key === "symmetricRate");
    expect(rate.value.en).toBe("20 Gbps");
    expect(rate.source).toEqual({ kind: "input", evidence: ["20Gbps"] });
    const hs = importSection.fields.find((f: { key: string }) => f.key === "hsCode");
    expect(hs.value.en).toBe("8543709950");
    expect(json.body.blanks.map((b: { key: string }) => b.key)).toEqual(expect.arrayContaining(["applicant", "endUser", "quantity", "value"]));
  });

  it("answers 404 JSON for an unknown id", async () => {
    const { app } = testApp();
    const res = await request(app).get("/c/AAAAAAAAAAAAAAAAAAAAAA/worksheet.json");
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual(expect.any(String));
  });
});

describe("languages", () => {
  it("defaults from Accept-Language", async () => {
    const { app } = testApp();
    const zh = await request(app).get("/").set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5");
    expect(zh.text).toContain('<html lang="zh-Hans">');
    expect(zh.text).toContain("产品分类");
    const en = await request(app).get("/").set("Accept-Language", "en-GB");
    expect(en.text).toContain("Classify a product");
  });

  it("switches with the link, remembers it in a cookie, and returns to the same page", async () => {
    const { app } = testApp();
    const res = await request(app).get("/lang/zh?next=%2Flists");
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe("/lists");
    const setCookies = res.headers["set-cookie"] as unknown as string[] | undefined;
    const cookie = setCookies?.find((c) => c.startsWith("lang=")) ?? "";
    expect(cookie).toMatch(/^lang=zh;/);
    expect(cookie).toMatch(/HttpOnly/);
    const page = await request(app).get("/").set("Cookie", "lang=zh").set("Accept-Language", "en");
    expect(page.text).toContain("产品分类");
  });

  it.each(["https://evil.example/", "//evil.example", "/\\evil.example"])("does not redirect off-site to %s", async (next) => {
    const { app } = testApp();
    const res = await request(app).get(`/lang/en?next=${encodeURIComponent(next)}`);
    expect(res.headers.location).toBe("/");
  });

  it("has no untranslated message on any page in either language", async () => {
    const { app } = testApp();
    const licence = await classifyViaForm(app, { description: "Ethernet encryptor, AES-256, encryption throughput 40 Gbps." });
    const needsInfo = await classifyViaForm(app, { description: "Next-generation firewall with IPsec VPN, AES." });
    const exempt = await classifyViaForm(app, { description: "5G 智能手机，文件加密，消费类零售。", hsCode: "8517130000" });
    const pages = [
      "/",
      "/?example=hsm-en",
      licence,
      `${licence}/worksheet`,
      needsInfo,
      `${needsInfo}/worksheet`,
      exempt,
      "/lists",
      "/lists/export-2024",
      "/lists/export-2024/5A002.b",
      "/lists/import-2021/I-3",
      "/lists/diff?from=export-2021&to=export-2024",
      "/no-such-page",
    ];
    for (const lang of ["en", "zh"]) {
      for (const path of pages) {
        const res = await request(app).get(path).set("Cookie", `lang=${lang}`);
        expect(res.text, `${lang} ${path}`).not.toContain(MISSING_MARK);
        expect(res.text, `${lang} ${path}`).toContain(lang === "zh" ? 'lang="zh-Hans"' : '<html lang="en">');
      }
      const { agent, csrf } = await formClient(app);
      await agent.get(`/lang/${lang}`);
      const badForm = await agent.post("/classify").type("form").send({ hsCode: "x", _csrf: csrf });
      expect(badForm.status, `${lang} form errors`).toBe(400);
      expect(badForm.text, `${lang} form errors`).not.toContain(MISSING_MARK);
    }
  });
});

describe("form protection", () => {
  it("rejects a form post without a CSRF token with 403 and a page that says why", async () => {
    const { app } = testApp();
    const res = await request(app).post("/classify").type("form").send({ description: "HSM" });
    expect(res.status).toBe(403);
    expect(res.text).toContain("The form has expired");
  });

  it("rejects a token from another browser", async () => {
    const { app } = testApp();
    const { csrf } = await formClient(app);
    const other = await formClient(app);
    const res = await other.agent.post("/classify").type("form").send({ description: "HSM", _csrf: csrf });
    expect(res.status).toBe(403);
  });

  it("sets its cookies HttpOnly and SameSite", async () => {
    const { app } = testApp();
    const res = await request(app).get("/");
    const cookies = (res.headers["set-cookie"] as unknown as string[]) ?? [];
    expect(cookies.length).toBeGreaterThanOrEqual(2);
    for (const c of cookies) {
      expect(c).toMatch(/HttpOnly/);
      expect(c).toMatch(/SameSite=Lax/);
    }
  });
});

describe("the result page's reading trace", () => {
  it("shows how the text was read in a collapsible block, escaped", async () => {
    const { app } = testApp();
    const id = await classifyViaForm(app, { description: "VPN网关|VPN吞吐量:12G|算法:SM4 <b>x</b>" });
    const page = await request(app).get(id);
    expect(page.text).toMatch(/<details class="trace">\s*<summary>How the text was read, step by step<\/summary>/);
    expect(page.text).toContain("from the key of its field");
    expect(page.text).not.toContain("<b>x</b>");
  });
});


describe("answering a result's questions on its page", () => {
  it("shows the questions as a form, makes a new linked record from the answers, and leaves the old one as it was", async () => {
    const { app } = testApp();
    const first = await classifyViaForm(app, { description: "Network HSM appliance, AES-256, RSA-4096" });
    const page = await request(app).get(first);
    expect(page.text).toContain(`action="${first}/answers"`);
    expect(page.text).toMatch(/<label for="answer_symmetric_gbps">What is the symmetric encryption\/decryption rate in Gbps\?<\/label>/);

    const { agent, csrf } = await formClient(app, first);
    const answered = await agent.post(`${first}/answers`).type("form").send({ answer_symmetric_gbps: "20", _csrf: csrf });
    expect(answered.status).toBe(303);
    const second = answered.headers.location as string;
    expect(second).toMatch(/^\/c\/[A-Za-z0-9_-]{22}$/);
    expect(second).not.toBe(first);

    const secondPage = await request(app).get(second);
    expect(secondPage.text).toContain(`This result answers the questions of <a href="${first}">`);
    expect(secondPage.text).toContain("symmetric_gbps = 20");
    expect(secondPage.text).toContain("stated by the user");
    const api = await request(app).get(`/api/v1/classifications/${second.slice(3)}`);
    expect(api.body.export.verdict).toBe("licence_required");

    const firstAgain = await request(app).get(first);
    expect(firstAgain.text).toContain(`Its questions are answered in <a href="${second}">`);
    const firstApi = await request(app).get(`/api/v1/classifications/${first.slice(3)}`);
    expect(firstApi.body.export.verdict).toBe("needs_info");
  });

  it("refuses an answer that is not a number or yes/no, without storing anything, and needs the CSRF token", async () => {
    const { app } = testApp();
    const first = await classifyViaForm(app, { description: "Network HSM appliance, AES-256, RSA-4096" });
    const { agent, csrf } = await formClient(app, first);
    const bad = await agent.post(`${first}/answers`).type("form").send({ answer_symmetric_gbps: "fast", _csrf: csrf });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Not a valid answer: “What is the symmetric encryption/decryption rate in Gbps?”");
    const none = await agent.post(`${first}/answers`).type("form").send({ _csrf: csrf });
    expect(none.status).toBe(400);
    const forged = await agent.post(`${first}/answers`).type("form").send({ answer_symmetric_gbps: "20" });
    expect(forged.status).toBe(403);
    expect((await request(app).get(first)).text).not.toContain("Its questions are answered in");
  });
});
