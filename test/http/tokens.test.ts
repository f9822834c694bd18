import { afterEach, describe, expect, it } from "vitest";
import request from "supertest";
import { closeTestApps, testApp } from "../support/testApp.ts";
import { addUser, signIn, tokenFor } from "../support/users.ts";

afterEach(closeTestApps);

const classify = (app: ReturnType<typeof testApp>["app"], token?: string) => {
  const req = request(app).post("/api/v1/classify").set("content-type", "application/json");
  return (token ? req.set("Authorization", `Bearer ${token}`) : req).send(JSON.stringify({ hsCode: "854231" }));
};

describe("personal API tokens", () => {
  it("are made on the account page, shown once, and work as a bearer at once", async () => {
    const t = testApp();
    await addUser(t, "alice", "classifier");
    const { agent, csrf } = await signIn(t, "alice");
    const made = await agent.post("/account/tokens").type("form").send({ name: "ERP export", role: "classifier", _csrf: csrf });
    expect(made.status).toBe(201);
    expect(made.headers["cache-control"]).toBe("no-store");
    const raw = /<code class="token">([^<]+)<\/code>/.exec(made.text)?.[1] as string;
    expect(raw).toMatch(/^clc_[A-Za-z0-9_-]{43}$/);
    const res = await classify(t.app, raw);
    expect(res.status).toBe(200);
    // Never shown again, and kept only as a hash.
    const page = await agent.get("/account");
    expect(page.text).toContain("ERP export");
    expect(page.text).not.toContain(raw);
    expect(JSON.stringify(t.deps.users.tokensOf(t.deps.users.byName("alice")?.id as number))).not.toContain(raw);
    // Its last use is shown.
    expect(t.deps.users.tokensOf(t.deps.users.byName("alice")?.id as number)[0]?.lastUsedAt).not.toBeNull();
  });

  it("records who classified through a token", async () => {
    const t = testApp();
    await addUser(t, "alice", "classifier");
    const res = await classify(t.app, tokenFor(t, "alice", "classifier"));
    expect(t.store.madeBy(res.body.id)).toBe("alice");
  });

  it("a viewer's token can read but not write", async () => {
    const t = testApp();
    await addUser(t, "alice", "admin");
    await addUser(t, "vera", "viewer");
    const written = await classify(t.app, tokenFor(t, "alice", "admin"));
    const viewer = tokenFor(t, "vera", "viewer");
    const denied = await classify(t.app, viewer);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatch(/classifier role/);
    expect((await request(t.app).get(`/api/v1/classifications/${written.body.id}`).set("Authorization", `Bearer ${viewer}`)).status).toBe(200);
  });

  it("a token scoped below its user's role acts with the lesser role; none above it can be made", async () => {
    const t = testApp();
    await addUser(t, "alice", "reviewer");
    const { agent, csrf } = await signIn(t, "alice");
    const above = await agent.post("/account/tokens").type("form").send({ name: "too much", role: "admin", _csrf: csrf });
    expect(above.status).toBe(400);
    expect(above.text).toContain("The token&#39;s role can be at most your own role.");
    expect((await classify(t.app, tokenFor(t, "alice", "viewer"))).status).toBe(403);
  });

  it("a revoked token fails at once", async () => {
    const t = testApp();
    await addUser(t, "alice", "classifier");
    const { agent, csrf } = await signIn(t, "alice");
    const made = await agent.post("/account/tokens").type("form").send({ name: "cron", role: "classifier", _csrf: csrf });
    const raw = /<code class="token">([^<]+)<\/code>/.exec(made.text)?.[1] as string;
    expect((await classify(t.app, raw)).status).toBe(200);
    const id = t.deps.users.tokensOf(t.deps.users.byName("alice")?.id as number)[0]?.id as string;
    expect((await agent.post(`/account/tokens/${id}/revoke`).type("form").send({ _csrf: csrf })).status).toBe(303);
    const after = await classify(t.app, raw);
    expect(after.status).toBe(401);
    expect(after.body.error).toMatch(/not valid/);
    expect((await agent.get("/account")).text).toContain("revoked");
  });

  it("a disabled account's tokens stop working; an unknown token is 401 and no credentials is 401", async () => {
    const t = testApp();
    await addUser(t, "root", "admin");
    await addUser(t, "alice", "classifier");
    const raw = tokenFor(t, "alice", "classifier");
    t.deps.users.setDisabled(t.deps.users.byName("alice")?.id as number, true);
    expect((await classify(t.app, raw)).status).toBe(401);
    expect((await classify(t.app, "clc_not-a-real-token")).status).toBe(401);
    expect((await classify(t.app)).status).toBe(401);
  });

  it("revoking needs the form token", async () => {
    const t = testApp();
    await addUser(t, "alice", "classifier");
    const { agent, csrf } = await signIn(t, "alice");
    expect((await agent.post("/account/tokens").type("form").send({ name: "x", role: "viewer" })).status).toBe(403);
    await agent.post("/account/tokens").type("form").send({ name: "x", role: "viewer", _csrf: csrf });
    const id = t.deps.users.tokensOf(t.deps.users.byName("alice")?.id as number)[0]?.id as string;
    expect((await agent.post(`/account/tokens/${id}/revoke`).type("form").send({})).status).toBe(403);
    expect((await agent.post("/account/logout-everywhere").type("form").send({})).status).toBe(403);
  });
});

describe("the shared ACCESS_TOKEN (simple mode)", () => {
  const shared = "s3cret-token-for-tests-0123456789";

  it("guards the app while it has no accounts, and is still taken as a bearer once it has", async () => {
    const t = testApp({ security: { accessToken: shared } });
    expect((await classify(t.app)).status).toBe(401);
    expect((await classify(t.app, shared)).status).toBe(200);
    await addUser(t, "alice", "viewer");
    expect((await classify(t.app, shared)).status).toBe(200);
    expect((await request(t.app).get("/")).status).toBe(303);
  });
});
