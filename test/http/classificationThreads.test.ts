import { afterEach, describe, expect, it } from "vitest";
import request from "supertest";
import { closeTestApps, formClient, testApp } from "../support/testApp.ts";

/** Single classifications on a thread of their own, as the server runs them, answer exactly as on this thread. */
afterEach(closeTestApps);

const INPUTS = [
  { description: "服务器密码机，SM4加解密速率 20Gbps，SM2签名速率 8万次/秒", asOf: "2026-11-29" },
  { description: "IPsec VPN gateway, AES-256, 40 Gbps", hsCode: "8517622920", asOf: "2026-11-29" },
  { description: "Encryption card, AES-256, 12 Gbps", asOf: "2024-06-01" },
  { hsCode: "8543709950", asOf: "2026-11-29" },
  { description: "5G 智能手机，文件加密，消费类零售" },
];

const withoutIdentity = (body: Record<string, unknown>) => {
  const { id: _id, url: _url, createdAt: _createdAt, ...rest } = body;
  return rest;
};

describe("single classifications on a classification thread", () => {
  it("answer and store the same results as on the thread answering requests", async () => {
    const here = testApp();
    const threaded = testApp({ threads: 1 });
    for (const input of INPUTS) {
      const [a, b] = await Promise.all([request(here.app).post("/api/v1/classify").send(input), request(threaded.app).post("/api/v1/classify").send(input)]);
      expect(b.status).toBe(200);
      expect(withoutIdentity(b.body as Record<string, unknown>)).toEqual(withoutIdentity(a.body as Record<string, unknown>));
      // Supertest starts a server on a new port for each request, so the url differs by its port alone.
      const stored = await request(threaded.app).get(`/api/v1/classifications/${String(b.body.id)}`);
      expect({ ...stored.body, url: null }).toEqual({ ...b.body, url: null });
    }
    // The form goes the same way, to the result page of the stored record.
    const { agent, csrf } = await formClient(threaded.app);
    const posted = await agent.post("/classify").type("form").send({ description: "IPsec VPN gateway, AES-256, 40 Gbps", asOf: "2026-11-29", _csrf: csrf });
    expect(posted.status).toBe(303);
    const page = await agent.get(String(posted.headers.location));
    expect(page.status).toBe(200);
    expect(page.text).toContain("5A002");
  });

  it("answers many requests at once, each with its own record", async () => {
    const threaded = testApp({ threads: 2 });
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => request(threaded.app).post("/api/v1/classify").send({ description: `HSM model ${i}, RSA 4096, ${i + 1},000 signatures per second` })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(60);
    answers.forEach((a, i) => expect(a.body.input.description).toContain(`HSM model ${i},`));
  });
});
