import { afterEach, describe, expect, it } from "vitest";
import request from "supertest";
import { closeTestApps, testApp } from "../support/testApp.ts";
import { PASSWORD, addUser, csrfOf, sessionCookie, signIn } from "../support/users.ts";

afterEach(closeTestApps);

describe("single-user mode (no accounts)", () => {
  it("serves every page with all rights and says how to add users", async () => {
    const t = testApp();
    const home = await request(t.app).get("/");
    expect(home.status).toBe(200);
    expect(home.text).toContain("Single-user mode");
    expect(home.text).toContain("npm run user -- add --admin NAME");
    expect((await request(t.app).get("/admin/audit")).status).toBe(200);
    expect((await request(t.app).get("/login")).headers.location).toBe("/");
  });

  it("says it in Chinese too", async () => {
    const t = testApp();
    const home = await request(t.app).get("/").set("Accept-Language", "zh-CN");
    expect(home.text).toContain("单用户模式");
  });

  it("leaves the notice out once an account exists", async () => {
    const t = testApp();
    await addUser(t, "alice", "admin");
    const { agent } = await signIn(t, "alice");
    const home = await agent.get("/");
    expect(home.status).toBe(200);
    expect(home.text).not.toContain("Single-user mode");
    expect(home.text).toContain("alice (admin)");
  });
});

describe("signing in", () => {
  it("sends a visitor to the sign-in page and back where they were going", async () => {
    const t = testApp();
    await addUser(t, "alice", "classifier");
    const anonymous = await request(t.app).get("/lists");
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe("/login?next=%2Flists");
    const agent = request.agent(t.app);
    const csrf = csrfOf((await agent.get("/login?next=%2Flists")).text);
    const res = await agent.post("/login").type("form").send({ name: "alice", password: PASSWORD, next: "/lists", _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe("/lists");
    expect((await agent.get("/lists")).status).toBe(200);
  });

  it("never redirects to another site after sign-in", async () => {
    const t = testApp();
    await addUser(t, "alice", "viewer");
    const agent = request.agent(t.app);
    const csrf = csrfOf((await agent.get("/login")).text);
    const res = await agent.post("/login").type("form").send({ name: "alice", password: PASSWORD, next: "//evil.example/", _csrf: csrf });
    expect(res.headers.location).toBe("/");
  });

  it("refuses a wrong password and a disabled account with one translated message", async () => {
    const t = testApp();
    await addUser(t, "alice", "viewer");
    const wrong = await signIn(t, "alice", "not the password at all");
    expect(wrong.res.status).toBe(401);
    expect(wrong.res.text).toContain("The account name or the password is wrong");
    t.deps.users.setDisabled((t.deps.users.byName("alice") as { id: number }).id, true);
    const disabled = await signIn(t, "alice");
    expect(disabled.res.status).toBe(401);
    const zh = request.agent(t.app);
    const csrf = csrfOf((await zh.get("/login").set("Accept-Language", "zh")).text);
    const res = await zh.post("/login").set("Accept-Language", "zh").type("form").send({ name: "nobody", password: "x", _csrf: csrf });
    expect(res.text).toContain("账户名或密码错误");
  });

  it("gives a new session id on sign-in (no session fixation), and the old one signs nobody in", async () => {
    const t = testApp();
    await addUser(t, "alice", "viewer");
    await addUser(t, "bob", "viewer");
    const { agent, csrf, res: first } = await signIn(t, "alice");
    const before = sessionCookie(first);
    expect(before).not.toBeNull();
    // The same browser (the same cookie jar: a planted session cookie) signs in again as someone else.
    const second = await agent.post("/login").type("form").send({ name: "bob", password: PASSWORD, _csrf: csrf });
    const after = sessionCookie(second);
    expect(after).not.toBeNull();
    expect(after).not.toBe(before);
    const withOld = await request(t.app).get("/account").set("Cookie", before as string);
    expect(withOld.status).toBe(303);
    expect(withOld.headers.location).toMatch(/^\/login/);
    expect((await agent.get("/account")).text).toContain("bob");
  });

  it("throttles wrong passwords per name and address: the 6th attempt is 429, even with the right password", async () => {
    const t = testApp();
    await addUser(t, "alice", "viewer");
    const agent = request.agent(t.app);
    const csrf = csrfOf((await agent.get("/login")).text);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await agent.post("/login").type("form").send({ name: "alice", password: `wrong guess ${i}`, _csrf: csrf })).status);
    const sixth = await agent.post("/login").type("form").send({ name: "alice", password: PASSWORD, _csrf: csrf });
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(sixth.status).toBe(429);
    expect(sixth.text).toContain("Too many failed sign-ins");
    // Another name from the same address is counted apart.
    expect((await agent.post("/login").type("form").send({ name: "bob", password: "whatever it is", _csrf: csrf })).status).toBe(401);
  });

  it("needs the form token to sign in or out", async () => {
    const t = testApp();
    await addUser(t, "alice", "viewer");
    const agent = request.agent(t.app);
    await agent.get("/login");
    expect((await agent.post("/login").type("form").send({ name: "alice", password: PASSWORD })).status).toBe(403);
    const { agent: signedIn } = await signIn(t, "alice");
    expect((await signedIn.post("/logout").type("form").send({})).status).toBe(403);
    expect((await signedIn.get("/account")).status).toBe(200);
  });

  it("signs out, and signs out everywhere", async () => {
    const t = testApp();
    await addUser(t, "alice", "viewer");
    const one = await signIn(t, "alice");
    const two = await signIn(t, "alice");
    const out = await one.agent.post("/logout").type("form").send({ _csrf: one.csrf });
    expect(out.status).toBe(303);
    expect((await one.agent.get("/account")).status).toBe(303);
    expect((await two.agent.get("/account")).status).toBe(200);
    const three = await signIn(t, "alice");
    const everywhere = await three.agent.post("/account/logout-everywhere").type("form").send({ _csrf: three.csrf });
    expect(everywhere.status).toBe(303);
    expect((await two.agent.get("/account")).status).toBe(303);
    expect((await three.agent.get("/account")).status).toBe(303);
  });
});

describe("managing users", () => {
  it("lets an admin add a user, with the password policy named in the message", async () => {
    const t = testApp();
    await addUser(t, "root", "admin");
    const { agent, csrf } = await signIn(t, "root");
    const short = await agent.post("/admin/users").type("form").send({ name: "carol", password: "short", role: "viewer", _csrf: csrf });
    expect(short.status).toBe(400);
    expect(short.text).toContain("The password must be at least 12 characters.");
    const same = await agent.post("/admin/users").type("form").send({ name: "carolcarolcarol", password: "CarolCarolCarol", role: "viewer", _csrf: csrf });
    expect(same.status).toBe(400);
    expect(same.text).toContain("The password must not be the account name.");
    const badRole = await agent.post("/admin/users").type("form").send({ name: "carol", password: PASSWORD, role: "root", _csrf: csrf });
    expect(badRole.text).toContain("The role must be viewer, classifier, reviewer or admin.");
    const made = await agent.post("/admin/users").type("form").send({ name: "carol", password: PASSWORD, role: "reviewer", _csrf: csrf });
    expect(made.status).toBe(303);
    expect(t.deps.users.byName("carol")?.role).toBe("reviewer");
    expect((await signIn(t, "carol")).res.status).toBe(303);
  });

  it("changes a role, disables an account and resets a password, ending the account's sessions", async () => {
    const t = testApp();
    await addUser(t, "root", "admin");
    await addUser(t, "dave", "classifier");
    const admin = await signIn(t, "root");
    const dave = await signIn(t, "dave");
    expect((await admin.agent.post("/admin/users/dave/role").type("form").send({ role: "viewer", _csrf: admin.csrf })).status).toBe(303);
    expect(t.deps.users.byName("dave")?.role).toBe("viewer");
    expect((await dave.agent.get("/account")).status).toBe(303);
    expect((await admin.agent.post("/admin/users/dave/password").type("form").send({ password: "a new long password", _csrf: admin.csrf })).status).toBe(303);
    expect((await signIn(t, "dave")).res.status).toBe(401);
    expect((await signIn(t, "dave", "a new long password")).res.status).toBe(303);
    expect((await admin.agent.post("/admin/users/dave/disabled").type("form").send({ disabled: "true", _csrf: admin.csrf })).status).toBe(303);
    expect((await signIn(t, "dave", "a new long password")).res.status).toBe(401);
    // The last admin stays an admin.
    const demote = await admin.agent.post("/admin/users/root/role").type("form").send({ role: "viewer", _csrf: admin.csrf });
    expect(demote.status).toBe(400);
    expect(demote.text).toContain("last active admin");
  });

  it("needs the form token on every admin form", async () => {
    const t = testApp();
    await addUser(t, "root", "admin");
    await addUser(t, "dave", "classifier");
    const { agent } = await signIn(t, "root");
    const forms: [string, Record<string, string>][] = [
      ["/admin/users", { name: "eve", password: PASSWORD, role: "admin" }],
      ["/admin/users/dave/role", { role: "admin" }],
      ["/admin/users/dave/disabled", { disabled: "true" }],
      ["/admin/users/dave/password", { password: "a password nobody asked for" }],
    ];
    for (const [path, body] of forms) expect((await agent.post(path).type("form").send(body)).status, path).toBe(403);
    expect(t.deps.users.byName("eve")).toBeNull();
    expect(t.deps.users.byName("dave")).toMatchObject({ role: "classifier", disabled: false });
  });

  it("does not let anyone make the first account over the network", async () => {
    const t = testApp();
    const agent = request.agent(t.app);
    const csrf = csrfOf((await agent.get("/")).text);
    const res = await agent.post("/admin/users").type("form").send({ name: "mallory", password: PASSWORD, role: "admin", _csrf: csrf });
    expect(res.status).toBe(409);
    expect(t.deps.users.any()).toBe(false);
  });
});
