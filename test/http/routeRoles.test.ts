import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import type { Role } from "../../src/core/roles.ts";
import type { Access } from "../../src/web/auth.ts";
import { closeTestApps, testApp } from "../support/testApp.ts";
import { addUser, csrfOf, signIn, tokenFor } from "../support/users.ts";

/**
 * The role each route needs. The routes are read from the app's router stack, so a route added
 * without a role guard, or left out of this table, fails here.
 */
const EXPECTED: Record<string, Access> = {
  "GET /healthz": "anyone",
  "GET /metrics": "viewer",
  "GET /lang/:lang": "anyone",
  "GET /": "viewer",
  "POST /classify": "classifier",
  "GET /c/:id/worksheet.json": "viewer",
  "GET /c/:id/worksheet": "viewer",
  "GET /c/:id": "viewer",
  "GET /rechecks": "viewer",
  "GET /products": "viewer",
  "POST /c/:id/precedent": "reviewer",
  "POST /rechecks": "classifier",
  "GET /rechecks/:id": "viewer",
  "GET /api/v1/rechecks/": "viewer",
  "POST /api/v1/rechecks/": "classifier",
  "GET /api/v1/rechecks/:id": "viewer",
  "POST /c/:id/answers": "classifier",
  "POST /c/:id/reviews": "reviewer",
  "GET /lists": "viewer",
  "GET /lists/diff": "viewer",
  "GET /lists/:edition": "viewer",
  "GET /lists/:edition/:entry": "viewer",
  "GET /bulk": "viewer",
  "GET /bulk/sample.csv": "viewer",
  "POST /bulk": "classifier",
  "GET /batches": "viewer",
  "GET /b/:id/progress.json": "viewer",
  "GET /b/:id/result.xlsx": "viewer",
  "GET /b/:id/result.csv": "viewer",
  "GET /b/:id/rows/:row": "viewer",
  "POST /b/:id/rows/:row": "classifier",
  "POST /b/:id/rerun": "classifier",
  "GET /b/:id": "viewer",
  "GET /login": "anyone",
  "POST /login": "anyone",
  "POST /logout": "anyone",
  "GET /account": "viewer",
  "POST /account/tokens": "viewer",
  "POST /account/tokens/:id/revoke": "viewer",
  "POST /account/logout-everywhere": "viewer",
  "GET /admin/users": "admin",
  "POST /admin/users": "admin",
  "POST /admin/users/:name/role": "admin",
  "POST /admin/users/:name/disabled": "admin",
  "POST /admin/users/:name/password": "admin",
  "GET /admin/audit": "admin",
  "GET /admin/audit.csv": "admin",
  "POST /api/v1/classify": "classifier",
  "GET /api/v1/classifications/:id": "viewer",
  "POST /api/v1/classify/batch": "classifier",
  "POST /api/v1/classifications/:id/reviews": "reviewer",
};

/** Routes that end the session they are sent with: signed in again after each. */
const SIGNS_OUT = new Set(["POST /logout", "POST /account/logout-everywhere"]);

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: { requiredRole?: Access } }[] };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
}

interface FoundRoute {
  readonly key: string;
  readonly method: string;
  readonly path: string;
  /** The guard put first among the route's handlers, if any. */
  readonly guard: Access | null;
}

function routesOf(app: unknown): FoundRoute[] {
  const found: FoundRoute[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const guard = layer.route.stack[0]?.handle.requiredRole ?? null;
        for (const method of Object.keys(layer.route.methods)) {
          const path = prefix + layer.route.path;
          found.push({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, guard });
        }
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === "string" && layer.rawPath !== "/" ? layer.rawPath : "";
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk((app as { router: { stack: Layer[] } }).router.stack, "");
  return found;
}

const ORDER: Role[] = ["viewer", "classifier", "reviewer", "admin"];
const allows = (held: Role | null, needed: Access) => needed === "anyone" || (held !== null && ORDER.indexOf(held) >= ORDER.indexOf(needed));

describe("every route checks its role", () => {
  const t = testApp();
  const routes = routesOf(t.app);
  const ids = { record: "", batch: "" };
  const sessions = new Map<Role, Awaited<ReturnType<typeof signIn>>>();
  const tokens = new Map<Role, string>();
  /** A browser that has only fetched the sign-in page: its form token is valid, it is nobody. */
  const visitor = { agent: request.agent(t.app), csrf: "" };

  beforeAll(async () => {
    for (const role of ORDER) await addUser(t, role, role);
    await addUser(t, "target", "viewer");
    await addUser(t, "spare-admin", "admin");
    for (const role of ORDER) {
      sessions.set(role, await signIn(t, role));
      tokens.set(role, tokenFor(t, role, role));
    }
    const admin = tokens.get("admin") as string;
    const made = await request(t.app).post("/api/v1/classify").set("Authorization", `Bearer ${admin}`).set("content-type", "application/json").send(JSON.stringify({ description: "IPsec VPN gateway, AES-256" }));
    ids.record = made.body.id;
    const batch = await request(t.app).post("/api/v1/classify/batch").set("Authorization", `Bearer ${admin}`).set("content-type", "text/csv").send("SKU,Description\nA-1,HSM SM4 20Gbps\n");
    ids.batch = batch.headers["x-batch-id"] as string;
    await t.deps.bulk.jobs.idle();
    visitor.csrf = csrfOf((await visitor.agent.get("/login")).text);
  });
  afterAll(closeTestApps);

  it("finds the app's routes, each with a role guard first and the role this table gives", () => {
    expect(routes.length).toBeGreaterThan(30);
    const missing = routes.filter((r) => !(r.key in EXPECTED)).map((r) => r.key);
    expect(missing, "routes without an expected role in this test").toEqual([]);
    const unguarded = routes.filter((r) => r.guard === null).map((r) => r.key);
    expect(unguarded, "routes whose first handler is not requireRole").toEqual([]);
    for (const r of routes) expect(r.guard, r.key).toBe(EXPECTED[r.key]);
    // The table names no route the app does not have.
    expect(Object.keys(EXPECTED).sort()).toEqual(routes.map((r) => r.key).sort());
  });

  const concrete = (path: string) =>
    path
      .replace("/c/:id", `/c/${ids.record}`)
      .replace("/classifications/:id", `/classifications/${ids.record}`)
      .replace("/b/:id", `/b/${ids.batch}`)
      .replace(":row", "1")
      .replace(":edition", "export-2024")
      .replace(":entry", "5A002.a")
      .replace(":lang", "en")
      .replace(":name", "target")
      .replace("tokens/:id", "tokens/nosuchtoken");

  const callers: (Role | null)[] = [null, ...ORDER];

  it.each(callers.map((c) => [c ?? "anonymous", c] as const))("as %s: allowed where the role suffices, refused elsewhere", async (_label, role) => {
    for (const route of routes) {
      const api = route.path.startsWith("/api/");
      const url = concrete(route.path);
      const session = role ? (sessions.get(role) as { agent: typeof visitor.agent; csrf: string }) : visitor;
      const client = api ? request(t.app) : session.agent;
      let req = route.method === "POST" ? client.post(route.method === "POST" && !api ? `${url}?_csrf=${encodeURIComponent(session?.csrf ?? "")}` : url) : client.get(url);
      if (api && role) req = req.set("Authorization", `Bearer ${tokens.get(role)}`);
      if (api && route.method === "POST") req = req.set("content-type", "application/json").send("{}");
      else if (route.method === "POST") req = req.type("form").send({});
      const res = await req;
      const needed = EXPECTED[route.key] as Access;
      const where = `${route.key} as ${role ?? "anonymous"} → ${res.status} ${res.headers.location ?? ""}`;
      if (allows(role, needed)) {
        expect(res.status, where).not.toBe(403);
        expect(res.status, where).not.toBe(401);
        if (!SIGNS_OUT.has(route.key)) expect(String(res.headers.location ?? ""), where).not.toMatch(/^\/login/);
      } else if (role === null) {
        if (api) expect(res.status, where).toBe(401);
        else {
          expect(res.status, where).toBe(303);
          expect(res.headers.location, where).toMatch(/^\/login\?next=/);
        }
      } else {
        expect(res.status, where).toBe(403);
      }
      if (role && SIGNS_OUT.has(route.key) && allows(role, needed)) sessions.set(role, await signIn(t, role));
    }
  });
});
