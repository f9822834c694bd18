import { afterEach, describe, expect, it } from "vitest";
import request from "supertest";
import { createClassifier } from "../../src/core/classify.ts";
import { openClassificationStore } from "../../src/store/classificationStore.ts";
import { MISSING_MARK } from "../../src/web/i18n/index.ts";
import { closeTestApps, formClient, listData, testApp } from "../support/testApp.ts";
import { BEFORE, ITEMS, TODAY, withLaterExportEdition } from "../support/recheckData.ts";

afterEach(closeTestApps);

const HOSTILE = "IPSec VPN gateway <script>alert(1)</script>, AES-256, throughput 12 Gbps";

/** An app whose list data has gained an edition since its records were stored. */
function appAfterNewEdition() {
  const store = openClassificationStore(":memory:");
  const classifier = createClassifier(listData());
  const save = (description: string) => store.save(classifier.classify({ description, asOf: BEFORE }), new Date(`${BEFORE}T02:00:00Z`)).id;
  const ids = { changed: save(HOSTILE), same: save(ITEMS.hsm.description) };
  return { ...testApp({ store, listData: withLaterExportEdition(listData()), now: TODAY }), ids };
}

describe("re-check pages", () => {
  it("says a re-check is due, runs one from a CSRF-protected form and shows what changed side by side", async () => {
    const { app, ids } = appAfterNewEdition();
    const list = await request(app).get("/rechecks");
    expect(list.status).toBe(200);
    expect(list.text).toContain("A re-check is due: none has been run yet.");
    expect(list.text).toMatch(/<form method="post" action="\/rechecks">\s*<input type="hidden" name="_csrf" value="[^"]+">/);
    expect(list.text).toContain('href="/rechecks" aria-current="page"');

    const refused = await request(app).post("/rechecks").type("form").send({});
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("The form has expired");

    const { agent, csrf } = await formClient(app, "/rechecks");
    const posted = await agent.post("/rechecks").type("form").send({ _csrf: csrf });
    expect(posted.status).toBe(303);
    const page = await agent.get(posted.headers.location as string);
    expect(page.status).toBe(200);
    expect(page.text).toContain("2 checked: 1 changed, 1 unchanged, 0 could not be re-checked.");
    expect(page.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page.text).not.toContain("<script>alert(1)");
    expect(page.text).toContain("Licence likely required · 5A002.c · export-2024");
    expect(page.text).toContain("Below the thresholds · 5A002.c · export-2027");
    expect(page.text).toMatch(/does not reach ≥ 20 Gbps/);
    expect(page.text).toContain(`href="/c/${ids.changed}"`);
    const newId = new RegExp(`href="/c/${ids.changed}">old</a> → <a href="/c/([A-Za-z0-9_-]{22})"`).exec(page.text)?.[1];
    expect(newId).toBeDefined();
    expect(page.text).not.toContain(`/c/${ids.same}`);

    const after = await request(app).get("/rechecks");
    expect(after.text).toContain("No re-check is due");
    expect(after.text).toContain(`href="${posted.headers.location as string}"`);

    // The old record says where its re-check went; the new one where it came from.
    const old = await request(app).get(`/c/${ids.changed}`);
    expect(old.text).toContain("Re-checked on 2027-02-01 against edition export-2027: Export Licence likely required 5A002.c → Below the thresholds 5A002.c.");
    expect(old.text).toContain(`href="/c/${newId}"`);
    const fresh = await request(app).get(`/c/${newId}`);
    expect(fresh.text).toContain("This record was made by a re-check on 2027-02-01 of");
    expect(fresh.text).toContain(`href="/c/${ids.changed}"`);
    expect((await request(app).get(`/c/${ids.same}`)).text).not.toContain("Re-checked on");

    for (const lang of ["en", "zh"]) {
      for (const path of ["/rechecks", posted.headers.location as string, `/c/${ids.changed}`, `/c/${newId}`]) {
        const res = await request(app).get(path).set("Cookie", `lang=${lang}`);
        expect(res.text, `${lang} ${path}`).not.toContain(MISSING_MARK);
      }
    }
    const zh = await request(app).get(posted.headers.location as string).set("Cookie", "lang=zh");
    expect(zh.text).toContain("低于管控指标 · 5A002.c · export-2027");
    expect(zh.text).toContain("未达到20 Gbps以上");
  });

  it("answers an unknown re-check with a translated 404", async () => {
    const { app } = appAfterNewEdition();
    const res = await request(app).get("/rechecks/AAAAAAAAAAAAAAAAAAAAAA").set("Cookie", "lang=zh");
    expect(res.status).toBe(404);
    expect(res.text).toContain("不存在该编号的复核。");
    expect((await request(app).get("/rechecks/not-an-id")).status).toBe(404);
  });
});

describe("re-check API", () => {
  it("runs a re-check and lists the changed items, old and new, with their links", async () => {
    const { app, ids } = appAfterNewEdition();
    const before = await request(app).get("/api/v1/rechecks");
    expect(before.body).toMatchObject({ due: true, rechecks: [] });

    const run = await request(app).post("/api/v1/rechecks");
    expect(run.status).toBe(201);
    expect(run.body).toMatchObject({
      status: "done",
      asOf: "2027-02-01",
      editions: ["import-2021", "export-2027"],
      counts: { checked: 2, changed: 1, unchanged: 1, failed: 0 },
    });
    expect(run.body.url).toMatch(new RegExp(`/rechecks/${run.body.id}$`));

    const got = await request(app).get(`/api/v1/rechecks/${run.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: run.body.id, total: 1, offset: 0 });
    expect(got.body.items).toHaveLength(1);
    const [item] = got.body.items;
    expect(item).toMatchObject({ kind: "record", old: { id: ids.changed, url: `/c/${ids.changed}` }, reviewed: false, text: HOSTILE });
    expect(item.new.url).toBe(`/c/${item.new.id}`);
    expect(item.changes.find((c: { direction: string }) => c.direction === "export")).toMatchObject({
      changed: true,
      old: { verdict: "licence_required", entry: "5A002.c", edition: "export-2024" },
      new: { verdict: "below_threshold", entry: "5A002.c", edition: "export-2027" },
    });
    const stored = await request(app).get(`/api/v1/classifications/${item.new.id}`);
    expect(stored.body.export.verdict).toBe("below_threshold");

    expect((await request(app).get("/api/v1/rechecks")).body).toMatchObject({ due: false, rechecks: [{ id: run.body.id }] });
    const again = await request(app).post("/api/v1/rechecks");
    expect(again.body.counts).toEqual({ checked: 2, changed: 0, unchanged: 2, failed: 0 });
  });

  it("names a bad paging field and answers an unknown id with 404", async () => {
    const { app } = appAfterNewEdition();
    const run = await request(app).post("/api/v1/rechecks");
    const bad = await request(app).get(`/api/v1/rechecks/${run.body.id}?limit=0`);
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.fields)).toEqual(["limit"]);
    const missing = await request(app).get("/api/v1/rechecks/AAAAAAAAAAAAAAAAAAAAAA");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: "No re-check with this id.", fields: {} });
  });
});
