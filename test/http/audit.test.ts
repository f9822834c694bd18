import { afterEach, describe, expect, it } from "vitest";
import request from "supertest";
import { parse } from "csv-parse/sync";
import { closeTestApps, testApp } from "../support/testApp.ts";
import { createLogger } from "../../src/web/requestLog.ts";
import { PASSWORD, addUser, signIn } from "../support/users.ts";

afterEach(closeTestApps);

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("the audit log", () => {
  it("lists sign-ins, failures, accounts, tokens, classifications, batches, answers and reviews, by user", async () => {
    const t = testApp();
    await addUser(t, "root", "admin");
    await addUser(t, "rita", "reviewer");
    await signIn(t, "rita", "wrong password here");
    const { agent, csrf } = await signIn(t, "rita");
    const classified = await agent.post("/classify").type("form").send({ description: "Network HSM appliance, AES-256, RSA-4096", _csrf: csrf });
    const id = (classified.headers.location as string).slice(3);
    await agent.post(`/c/${id}/answers`).type("form").send({ answer_symmetric_gbps: "20", _csrf: csrf });
    await agent.post(`/c/${id}/reviews`).type("form").send({ direction: "import", action: "confirm", _csrf: csrf });
    await agent.post("/account/tokens").type("form").send({ name: "nightly", role: "viewer", _csrf: csrf });
    const tokenId = t.deps.users.tokensOf(t.deps.users.byName("rita")?.id as number)[0]?.id as string;
    await agent.post(`/account/tokens/${tokenId}/revoke`).type("form").send({ _csrf: csrf });
    await agent.post(`/bulk?_csrf=${encodeURIComponent(csrf)}`).attach("file", Buffer.from("SKU,Description\nA,HSM\n"), "cat.csv");
    await agent.post("/logout").type("form").send({ _csrf: csrf });
    await settle();

    const admin = await signIn(t, "root");
    await admin.agent.post("/admin/users/rita/role").type("form").send({ role: "classifier", _csrf: admin.csrf });
    const { events } = t.deps.audit.query({ user: "rita", offset: 0, limit: 100 });
    expect(events.map((e) => e.action).reverse()).toEqual([
      "login_failed",
      "login",
      "classified",
      "classified",
      "questions_answered",
      "reviewed",
      "token_created",
      "token_revoked",
      "batch_uploaded",
      "logout",
    ]);
    const page = await admin.agent.get("/admin/audit?user=rita");
    expect(page.status).toBe(200);
    expect(page.text).toContain("review made");
    expect(page.text).toContain("failed sign-in");
    const all = await admin.agent.get("/admin/audit");
    expect(all.text).toContain("user changed");
    expect(all.text).toContain("role reviewer → classifier");
  });

  it("filters by date range and pages the list", async () => {
    const t = testApp();
    await addUser(t, "root", "admin");
    for (let day = 1; day <= 3; day++) {
      for (let i = 0; i < 30; i++) t.deps.audit.record({ user: "ann", action: "classified", target: `r${day}-${i}`, detail: null }, new Date(`2026-10-0${day}T10:00:00Z`));
    }
    const { agent } = await signIn(t, "root");
    const one = await agent.get("/admin/audit?user=ann&from=2026-10-02&to=2026-10-02");
    expect(one.text).toContain("Page 1 of 1 · 30 actions");
    expect(one.text).not.toContain("r1-");
    const two = await agent.get("/admin/audit?user=ann&from=2026-10-01&to=2026-10-03&page=2");
    expect(two.text).toContain("Page 2 of 2 · 90 actions");
    const bad = await agent.get("/admin/audit?from=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("The “from” date must be a real date, YYYY-MM-DD.");
  });

  it("downloads as CSV with formula cells neutralised", async () => {
    const t = testApp();
    await addUser(t, "root", "admin");
    t.deps.audit.record({ user: "root", action: "batch_uploaded", target: "x", detail: "=HYPERLINK(\"http://evil\")" }, new Date("2026-11-01T00:00:00Z"));
    const { agent } = await signIn(t, "root");
    const res = await agent.get("/admin/audit.csv?user=root");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/csv/);
    const rows = parse(res.text.replace(/^\ufeff/, "")) as string[][];
    expect(rows[0]).toEqual(["at", "user", "action", "target", "detail"]);
    const batch = rows.find((r) => r[2] === "batch_uploaded");
    expect(batch?.[4]).toBe("'=HYPERLINK(\"http://evil\")");
  });
});

describe("secrets stay secret", () => {
  it("no password or token appears in a log line, a page, a response or the audit log", async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "trace", destination: { write: (line: string) => void lines.push(line) } });
    const t = testApp({ logger });
    await addUser(t, "root", "admin");
    const seen: string[] = [];
    const keep = (res: { text?: string; headers: Record<string, unknown> }) => {
      seen.push(res.text ?? "", JSON.stringify(res.headers));
      return res;
    };
    const wrong = "not-the-password-but-close";
    const admin = await signIn(t, "root");
    keep(admin.res);
    keep(await admin.agent.post("/login").type("form").send({ name: "root", password: wrong, _csrf: admin.csrf }));
    const newPassword = "brand new password for bob";
    keep(await admin.agent.post("/admin/users").type("form").send({ name: "bob", password: newPassword, role: "classifier", _csrf: admin.csrf }));
    keep(await admin.agent.get("/admin/users"));
    const bob = await signIn(t, "bob", newPassword);
    keep(bob.res);
    const made = await bob.agent.post("/account/tokens").type("form").send({ name: "cron", role: "classifier", _csrf: bob.csrf });
    const raw = /<code class="token">([^<]+)<\/code>/.exec(made.text)?.[1] as string;
    expect(raw).toBeTruthy();
    keep(await request(t.app).post("/api/v1/classify").set("Authorization", `Bearer ${raw}`).set("content-type", "application/json").send(JSON.stringify({ hsCode: "854231" })));
    keep(await request(t.app).get("/").set("Authorization", `Bearer ${raw}x`));
    keep(await bob.agent.get("/account"));
    keep(await admin.agent.get("/admin/audit"));
    keep(await admin.agent.get("/admin/audit.csv"));
    keep(await admin.agent.post("/admin/users/bob/password").type("form").send({ password: "another fresh password", _csrf: admin.csrf }));
    await settle();
    const everything = [...lines, ...seen, JSON.stringify(t.deps.audit.query({ offset: 0, limit: 1000 }))].join("\n");
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [PASSWORD, wrong, newPassword, "another fresh password", raw, raw.slice(4)]) expect(everything).not.toContain(secret);
  });
});
