import { afterEach, describe, expect, it } from "vitest";
import request from "supertest";
import { closeTestApps, testApp } from "../support/testApp.ts";
import { addUser, signIn, tokenFor } from "../support/users.ts";

afterEach(closeTestApps);

const HSM = "服务器密码机，SM4对称加解密速率 20Gbps，SM2签名速率 80000次/秒，机架式。";

async function setUp() {
  const t = testApp();
  await addUser(t, "cleo", "classifier");
  await addUser(t, "rita", "reviewer");
  const made = await request(t.app)
    .post("/api/v1/classify")
    .set("Authorization", `Bearer ${tokenFor(t, "cleo", "classifier")}`)
    .set("content-type", "application/json")
    .send(JSON.stringify({ description: HSM }));
  return { t, id: made.body.id as string, record: made.body };
}

describe("reviews on the result page", () => {
  it("shows each direction unreviewed, and who classified it", async () => {
    const { t, id } = await setUp();
    const { agent } = await signIn(t, "cleo");
    const page = await agent.get(`/c/${id}`);
    expect(page.text).toContain("Classified by cleo");
    expect(page.text.match(/review-status--unreviewed/g)).toHaveLength(2);
    // A classifier sees no review form.
    expect(page.text).not.toContain(`action="/c/${id}/reviews"`);
  });

  it("lets a reviewer confirm one direction and override the other; the history keeps both, with names", async () => {
    const { t, id, record } = await setUp();
    const { agent, csrf } = await signIn(t, "rita");
    expect((await agent.get(`/c/${id}`)).text).toContain(`action="/c/${id}/reviews"`);
    const confirm = await agent.post(`/c/${id}/reviews`).type("form").send({ direction: "import", action: "confirm", _csrf: csrf });
    expect(confirm.status).toBe(303);
    const override = await agent
      .post(`/c/${id}/reviews`)
      .type("form")
      .send({ direction: "export", action: "override", verdict: "below_threshold", entry: "5A002.a", reason: "The datasheet's 20 Gbps is the cluster total.", _csrf: csrf });
    expect(override.status).toBe(303);
    const again = await agent.post(`/c/${id}/reviews`).type("form").send({ direction: "export", action: "confirm", _csrf: csrf });
    expect(again.status).toBe(303);
    const page = (await agent.get(`/c/${id}`)).text;
    expect(page).toContain("review-status--confirmed");
    expect(page).toMatch(/overridden by rita/);
    expect(page).toContain("The datasheet&#39;s 20 Gbps is the cluster total.");
    const reviews = t.deps.reviews.of(id);
    expect(reviews.map((r) => [r.direction, r.action, r.verdict, r.entry, r.reviewer])).toEqual([
      ["import", "confirm", record.import.verdict, record.import.entry?.id ?? null, "rita"],
      ["export", "override", "below_threshold", "5A002.a", "rita"],
      ["export", "confirm", record.export.verdict, record.export.entry?.id ?? null, "rita"],
    ]);
  });

  it("refuses an override without a reason, with a bad verdict or an entry not in the edition, naming the field", async () => {
    const { t, id } = await setUp();
    const { agent, csrf } = await signIn(t, "rita");
    const post = (body: Record<string, string>) => agent.post(`/c/${id}/reviews`).type("form").send({ ...body, _csrf: csrf });
    const noReason = await post({ direction: "export", action: "override", verdict: "exempt" });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain("The reason is required for an override.");
    const badVerdict = await post({ direction: "export", action: "override", verdict: "maybe", reason: "x" });
    expect(badVerdict.text).toContain("The verdict must be one of the five verdicts.");
    const badEntry = await post({ direction: "export", action: "override", verdict: "exempt", entry: "I-3", reason: "x" });
    expect(badEntry.text).toContain("The list entry must be one of the entries of the edition that decided.");
    const zh = await agent.post(`/c/${id}/reviews`).set("Accept-Language", "zh").type("form").send({ direction: "import", action: "override", verdict: "exempt", _csrf: csrf });
    expect(zh.text).toContain("更正时必须填写理由。");
    expect(t.deps.reviews.of(id)).toEqual([]);
  });

  it("needs the form token", async () => {
    const { t, id } = await setUp();
    const { agent } = await signIn(t, "rita");
    expect((await agent.post(`/c/${id}/reviews`).type("form").send({ direction: "import", action: "confirm" })).status).toBe(403);
    expect(t.deps.reviews.of(id)).toEqual([]);
  });

  it("puts the reviewer and the status on the worksheet and in its JSON", async () => {
    const { t, id } = await setUp();
    const { agent, csrf } = await signIn(t, "rita");
    await agent.post(`/c/${id}/reviews`).type("form").send({ direction: "export", action: "override", verdict: "not_listed", reason: "Not a crypto product.", _csrf: csrf });
    const json = (await agent.get(`/c/${id}/worksheet.json`)).body;
    expect(json.review.export).toMatchObject({ status: "overridden", reviewer: "rita", verdict: "not_listed", entry: null, reason: "Not a crypto product." });
    expect(json.review.import).toMatchObject({ status: "unreviewed", reviewer: null });
    const html = (await agent.get(`/c/${id}/worksheet`)).text;
    expect(html).toMatch(/overridden by rita/);
    expect(html).toContain("review-status--unreviewed");
  });
});

describe("reviews on the API", () => {
  it("are made by a reviewer's token and listed on the record", async () => {
    const { t, id } = await setUp();
    const token = tokenFor(t, "rita", "reviewer");
    const res = await request(t.app)
      .post(`/api/v1/classifications/${id}/reviews`)
      .set("Authorization", `Bearer ${token}`)
      .set("content-type", "application/json")
      .send(JSON.stringify({ direction: "import", action: "override", verdict: "exempt", reason: "Sold retail." }));
    expect(res.status).toBe(201);
    expect(res.body.status).toEqual({ import: "overridden", export: "unreviewed" });
    const got = await request(t.app).get(`/api/v1/classifications/${id}`).set("Authorization", `Bearer ${token}`);
    expect(got.body.reviews).toEqual([
      { direction: "import", action: "override", verdict: "exempt", entry: null, reason: "Sold retail.", reviewer: "rita", createdAt: "2026-11-29T04:00:00.000Z" },
    ]);
  });

  it("answers 400 naming the field, and 403 to a classifier", async () => {
    const { t, id } = await setUp();
    const post = (token: string, body: unknown) =>
      request(t.app).post(`/api/v1/classifications/${id}/reviews`).set("Authorization", `Bearer ${token}`).set("content-type", "application/json").send(JSON.stringify(body));
    const reviewer = tokenFor(t, "rita", "reviewer");
    const bad = await post(reviewer, { direction: "export", action: "override", verdict: "licence_required" });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual({ reason: ["is required for an override"] });
    expect((await post(reviewer, { direction: "sideways", action: "confirm" })).body.fields).toHaveProperty("direction");
    expect((await post(tokenFor(t, "cleo", "classifier"), { direction: "import", action: "confirm" })).status).toBe(403);
  });

  it("gives an empty list for a new record", async () => {
    const { record } = await setUp();
    expect(record.reviews).toEqual([]);
  });
});
