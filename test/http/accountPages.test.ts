import { afterAll, describe, expect, it } from "vitest";
import request from "supertest";
import { MISSING_MARK } from "../../src/web/i18n/index.ts";
import { closeTestApps, testApp } from "../support/testApp.ts";
import { addUser, signIn, tokenFor } from "../support/users.ts";

afterAll(closeTestApps);

describe("the account, user, audit and review pages", () => {
  it.each(["en", "zh"])("are whole in %s, and every form on them carries the form token", async (lang) => {
    const t = testApp();
    await addUser(t, "root", "admin");
    await addUser(t, "rita", "reviewer");
    const made = await request(t.app)
      .post("/api/v1/classify")
      .set("Authorization", `Bearer ${tokenFor(t, "root", "admin")}`)
      .set("content-type", "application/json")
      .send(JSON.stringify({ description: "Network HSM appliance, AES-256, RSA-4096" }));
    const { agent, csrf } = await signIn(t, "root");
    await agent.post(`/c/${made.body.id}/reviews`).type("form").send({ direction: "export", action: "override", verdict: "exempt", reason: "Retail.", _csrf: csrf });
    const pages = ["/account", "/admin/users", "/admin/audit", `/c/${made.body.id}`, `/c/${made.body.id}/worksheet`, "/"];
    for (const path of pages) {
      const res = await agent.get(path).set("Cookie", `lang=${lang}`);
      expect(res.status, path).toBe(200);
      expect(res.text, `${lang} ${path}`).not.toContain(MISSING_MARK);
      const forms = res.text.match(/<form method="post"[\s\S]*?<\/form>/g) ?? [];
      expect(forms.length, path).toBeGreaterThan(0);
      for (const form of forms) expect(form, `${path}: ${form.slice(0, 80)}`).toMatch(/name="_csrf" value="[^"]+"/);
    }
    const login = await request(t.app).get("/login").set("Cookie", `lang=${lang}`);
    expect(login.text).not.toContain(MISSING_MARK);
    expect(login.text).toMatch(/name="_csrf" value="[^"]+"/);
    const forbidden = await (await signIn(t, "rita")).agent.get("/admin/audit").set("Cookie", `lang=${lang}`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.text).not.toContain(MISSING_MARK);
  });
});
