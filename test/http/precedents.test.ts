import { afterEach, describe, expect, it } from "vitest";
import request from "supertest";
import { parse } from "csv-parse/sync";
import { closeTestApps, testApp } from "../support/testApp.ts";
import { addUser, signIn, tokenFor } from "../support/users.ts";

afterEach(closeTestApps);

const FIRST = "品名:服务器密码机|型号:SJJ1012-A|SM4加解密速率 8Gbps|SM2签名速率 6万次/秒";
// The same model, spelt another way, in another language and format.
const SECOND = "Model SJJ1012A server cipher machine, SM4 8 Gbps, SM2 60,000 signatures/s";

async function setUp() {
  const t = testApp();
  await addUser(t, "cleo", "classifier");
  await addUser(t, "rita", "reviewer");
  const classify = async (description: string) =>
    (await request(t.app).post("/api/v1/classify").set("Authorization", `Bearer ${tokenFor(t, "cleo", "classifier")}`).send({ description })).body as {
      id: string;
      export: { verdict: string; entry: { id: string } | null };
    };
  const first = await classify(FIRST);
  const rita = await signIn(t, "rita");
  // The reviewer overrides the export direction of the first record, with a reason.
  const override = await rita.agent
    .post(`/c/${first.id}/reviews`)
    .type("form")
    .send({ direction: "export", action: "override", verdict: "needs_info", entry: "5A002.b", reason: "The 8 Gbps is the card's, not the appliance's.", _csrf: rita.csrf });
  expect(override.status).toBe(303);
  return { t, classify, first, rita };
}

describe("precedents by model", () => {
  it("shows a new classification of the same model the reviewed decision, and a reviewer adopts it with a review that cites it", async () => {
    const { t, classify, first, rita } = await setUp();
    const second = await classify(SECOND);
    expect(second.export.verdict).not.toBe("needs_info");

    const page = (await rita.agent.get(`/c/${second.id}`)).text;
    expect(page).toContain('aria-labelledby="precedent-title"');
    expect(page).toContain("Reviewed decision on the same model");
    expect(page).toContain(`/c/${first.id}`);
    expect(page).toMatch(/Export: reviewed on \d{4}-\d{2}-\d{2} by rita/);
    expect(page).toContain("this result differs");
    expect(page).toContain(`action="/c/${second.id}/precedent"`);

    const api = await request(t.app).get(`/api/v1/classifications/${second.id}`).set("Authorization", `Bearer ${tokenFor(t, "rita", "reviewer")}`);
    expect(api.body.precedents).toEqual({ export: { record: `/c/${first.id}`, model: "SJJ1012-A", agrees: false, review: expect.objectContaining({ verdict: "needs_info", entry: "5A002.b", reviewer: "rita" }) } });
    const adopt = await rita.agent.post(`/c/${second.id}/precedent`).type("form").send({ _csrf: rita.csrf });
    expect(adopt.status).toBe(303);
    const reviews = t.deps.reviews.of(second.id);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ direction: "export", action: "override", verdict: "needs_info", entry: "5A002.b", reviewer: "rita" });
    expect(reviews[0]?.reason).toContain(`/c/${first.id}`);
    const after = (await rita.agent.get(`/c/${second.id}`)).text;
    expect(after).toContain("review-status--overridden");
    // The earlier record is not touched.
    expect(t.deps.reviews.of(first.id)).toHaveLength(1);
  });

  it("shows no precedent for another model, nor for a model nobody reviewed", async () => {
    const { classify, rita } = await setUp();
    const other = await classify("型号:SJJ1013-B 服务器密码机，SM4 8Gbps");
    expect((await rita.agent.get(`/c/${other.id}`)).text).not.toContain("precedent-title");
    const none = await rita.agent.post(`/c/${other.id}/precedent`).type("form").send({ _csrf: rita.csrf });
    expect(none.status).toBe(409);
    expect(none.text).toContain("There is no reviewed decision on this model to adopt.");
  });

  it("refuses to adopt without the form's token", async () => {
    const { classify, rita } = await setUp();
    const second = await classify(SECOND);
    expect((await rita.agent.post(`/c/${second.id}/precedent`).type("form").send({})).status).toBe(403);
  });

  it("says in a batch's precedent column which rows have a reviewed decision and whether they agree", async () => {
    const { t } = await setUp();
    const csv = `sku,description\nSJJ-1012-A,"服务器密码机，SM4 8Gbps"\nX-1,USB cable 2 m\n,"${SECOND.replace(/"/g, '""')}"\n`;
    const res = await request(t.app)
      .post("/api/v1/classify/batch?asOf=2026-11-29")
      .set("Authorization", `Bearer ${tokenFor(t, "cleo", "classifier")}`)
      .set("content-type", "text/csv")
      .send(csv);
    expect(res.status).toBe(200);
    const rows = parse(res.text.replace(/^\ufeff/, ""), { columns: true }) as Record<string, string>[];
    expect(rows[0]?.precedent).toMatch(/^SJJ1012-A \/c\/[A-Za-z0-9_-]{22}: export: needs_info 5A002\.b \(rita, \d{4}-\d{2}-\d{2}, (agrees|differs)\)$/);
    expect(rows[1]?.precedent).toBe("");
    // A row with no SKU names its model in the text.
    expect(rows[2]?.precedent).toContain("SJJ1012-A");

    // A batch in Chinese says it in Chinese, under its Chinese heading.
    const zh = await request(t.app)
      .post("/api/v1/classify/batch?asOf=2026-11-29&lang=zh")
      .set("Authorization", `Bearer ${tokenFor(t, "cleo", "classifier")}`)
      .set("content-type", "text/csv")
      .send(csv);
    const zhRows = parse(zh.text.replace(/^\ufeff/, ""), { columns: true }) as Record<string, string>[];
    expect(zhRows[0]?.["先例"]).toMatch(/出口: needs_info 5A002\.b \(rita, \d{4}-\d{2}-\d{2}, (一致|不同)\)$/);
  });

  it("finds reviewed products by model, with typos and partial model numbers, in both languages", async () => {
    const { t, rita } = await setUp();
    for (const q of ["SJJ1012-A", "sjj 1012a", "SJJ1O12", "1012"]) {
      const page = (await rita.agent.get(`/products?q=${encodeURIComponent(q)}`)).text;
      expect(page, q).toContain("SJJ1012-A");
      expect(page, q).toContain("5A002.b");
    }
    expect((await rita.agent.get("/products?q=zzzz-9999")).text).toContain("No reviewed product matches.");
    const zh = await request(t.app).get("/products").set("Cookie", "lang=zh");
    // Anonymous, once accounts exist: sent to sign in.
    expect(zh.status).toBe(303);
    const zhPage = (await rita.agent.get("/products").set("Cookie", "lang=zh")).text;
    expect(zhPage).toContain("已审核产品");
  });
});
