import readline from "node:readline";
import { Writable } from "node:stream";
import { ROLES, isRole, type Role } from "../core/roles.ts";
import { openClassificationStore } from "../store/classificationStore.ts";
import { changeRole, createUser, passwordProblem, setDisabled } from "../app/users.ts";

/**
 * Account administration on the server: the first admin is made here, so nobody on the network can
 * make themselves one.
 *
 *   npm run user -- add --admin NAME          (or --role viewer|classifier|reviewer|admin)
 *   npm run user -- add NAME --password-stdin  (the password is the first line of standard input)
 *   npm run user -- list
 *   npm run user -- role NAME ROLE
 *   npm run user -- disable NAME   /   enable NAME
 */
const USAGE = `usage:
  npm run user -- add [--admin | --role ${ROLES.join("|")}] [--password-stdin] NAME
  npm run user -- list
  npm run user -- role NAME ROLE
  npm run user -- disable NAME
  npm run user -- enable NAME
The database is DATABASE_PATH (default var/classifier.db). Passwords: at least 12 characters, not the name.`;

const PROBLEMS: Record<string, string> = {
  badName: "the name must be 1 to 64 letters, digits or . _ @ -, starting with a letter or a digit",
  nameTaken: "an account with this name exists already",
  tooShort: "the password must be at least 12 characters",
  tooLong: "the password must be at most 1,000 characters",
  sameAsName: "the password must not be the account name",
  noSuchUser: "there is no account with this name",
  lastAdmin: "this is the last active admin: make another account admin first",
  badRole: `the role must be one of ${ROLES.join(", ")}`,
};

const CLI = { name: "(command line)" };

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const flags = new Set(rest.filter((a) => a.startsWith("--")));
  const positional: string[] = [];
  let roleFlag: string | null = null;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === "--role") roleFlag = rest[++i] ?? "";
    else if (!a.startsWith("--")) positional.push(a);
  }
  const store = openClassificationStore(process.env.DATABASE_PATH ?? "var/classifier.db");
  const deps = { users: store.users, audit: store.audit, now: () => new Date() };
  try {
    switch (command) {
      case "add": {
        const name = positional[0];
        if (!name || positional.length > 1) throw new UsageError("add needs one NAME");
        const role = flags.has("--admin") ? "admin" : (roleFlag ?? "classifier");
        if (!isRole(role)) throw new UsageError(PROBLEMS.badRole);
        const password = await readPassword(name, flags.has("--password-stdin"));
        const made = await createUser(deps, { name, password, role }, CLI);
        if (!made.ok) return fail(PROBLEMS[made.problem] ?? made.problem);
        process.stdout.write(`Added ${made.value.name} (${made.value.role}).\n`);
        return 0;
      }
      case "list": {
        for (const u of store.users.list()) process.stdout.write(`${u.name}\t${u.role}\t${u.disabled ? "disabled" : "active"}\t${u.createdAt}\n`);
        return 0;
      }
      case "role": {
        const [name, role] = positional;
        if (!name || !role) throw new UsageError("role needs NAME and ROLE");
        if (!isRole(role)) throw new UsageError(PROBLEMS.badRole);
        const changed = changeRole(deps, name, role as Role, CLI);
        if (!changed.ok) return fail(PROBLEMS[changed.problem] ?? changed.problem);
        process.stdout.write(`${changed.value.name} is now ${role}.\n`);
        return 0;
      }
      case "disable":
      case "enable": {
        const name = positional[0];
        if (!name) throw new UsageError(`${command} needs NAME`);
        const changed = setDisabled(deps, name, command === "disable", CLI);
        if (!changed.ok) return fail(PROBLEMS[changed.problem] ?? changed.problem);
        process.stdout.write(`${changed.value.name} is ${command}d.\n`);
        return 0;
      }
      default:
        throw new UsageError(command ? `unknown command ${command}` : "a command is needed");
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n${USAGE}\n`);
      return 2;
    }
    throw err;
  } finally {
    store.close();
  }
}

function fail(message: string): number {
  process.stderr.write(`Error: ${message}.\n`);
  return 1;
}

/** On a terminal: asked twice, not echoed. Otherwise (or with --password-stdin): the first line of standard input. */
async function readPassword(name: string, fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return (Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "");
  }
  for (;;) {
    const first = await ask("Password: ");
    const problem = passwordProblem(name, first);
    if (problem) {
      process.stderr.write(`${PROBLEMS[problem]}; try again.\n`);
      continue;
    }
    if ((await ask("Again: ")) === first) return first;
    process.stderr.write("The two do not match; try again.\n");
  }
}

function ask(prompt: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stdout.write(chunk as Buffer);
      done();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(prompt, (answer) => {
      rl.close();
      process.stdout.write("\n");
      resolve(answer);
    });
    muted = true;
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`Error: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
