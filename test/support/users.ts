import request from "supertest";
import type { Role } from "../../src/core/roles.ts";
import { createToken, createUser } from "../../src/app/users.ts";
import type { testApp } from "./testApp.ts";

export const PASSWORD = "correct horse battery staple";

type App = ReturnType<typeof testApp>;

/** Makes an account straight through the use case (as the user command does). */
export async function addUser(t: App, name: string, role: Role, password = PASSWORD) {
  const made = await createUser(t.deps, { name, password, role }, { name: "(test)" });
  if (!made.ok) throw new Error(`cannot add ${name}: ${made.problem}`);
  return made.value;
}

/** A personal API token of the account, as its owner would make one on the account page. */
export function tokenFor(t: App, name: string, role: Role): string {
  const user = t.deps.users.byName(name);
  if (!user) throw new Error(`no user ${name}`);
  const made = createToken(t.deps, user, { name: `${role} token`, role });
  if (!made.ok) throw new Error(made.problem);
  return made.raw;
}

/** The form token a page carries. */
export const csrfOf = (html: string): string => {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  return m ? (m[1] as string) : "";
};

/** A browser that signs in on the sign-in page; keeps its cookies and its form token. */
export async function signIn(t: App, name: string, password = PASSWORD) {
  const agent = request.agent(t.app);
  const page = await agent.get("/login");
  const csrf = csrfOf(page.text);
  const res = await agent.post("/login").type("form").send({ name, password, _csrf: csrf });
  return { agent, csrf, res };
}

/** The session cookie a response set, or null. */
export const sessionCookie = (res: { headers: Record<string, unknown> }): string | null => {
  const cookies = (res.headers["set-cookie"] ?? []) as string[];
  const found = cookies.find((c) => c.startsWith("clc_auth="));
  return found ? (found.split(";")[0] as string) : null;
};
