/**
 * src/ as plain JavaScript in dist/ (gitignored), for the processes that start often and run hot: the
 * CLI and its classification threads load it without a TypeScript loader of their own. Each file is
 * transpiled on its own (esbuild), imports rewritten from .ts to .js, so dist/ mirrors src/ at the same
 * depth and paths taken from a module's location (../../data) resolve as they do from src/.
 *
 *   node scripts/build.mjs     builds when src/ changed since the last build (npm ci runs it, as `prepare`)
 *
 * The build is stamped with a hash of the sources, tsconfig.json, this file and esbuild's version; `built()`
 * checks the stamp on every start (a few milliseconds) and builds again when it differs, so an edit in
 * src/ is always what runs. Builds are serialised by a lock file and swapped in whole.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SRC = path.join(ROOT, "src");
export const DIST = path.join(ROOT, "dist");
const STAMP = ".source-hash";
const LOCK = `${DIST}.lock`;
/** A lock older than this is a build that died: taken over. */
const STALE_LOCK_MS = 60_000;

function sources(dir = SRC) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : /\.(ts|mjs)$/.test(e.name) ? [path.join(dir, e.name)] : []))
    .sort();
}

function esbuildVersion() {
  try {
    return JSON.parse(fs.readFileSync(createRequire(import.meta.url).resolve("esbuild/package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

function hashOf(files, version) {
  const hash = crypto.createHash("sha256").update(`esbuild ${version}\0`).update(fs.readFileSync(fileURLToPath(import.meta.url)));
  // esbuild reads tsconfig.json too (the target, class fields).
  hash.update(fs.readFileSync(path.join(ROOT, "tsconfig.json")));
  for (const file of files) hash.update(`\0${path.relative(SRC, file)}\0`).update(fs.readFileSync(file));
  return hash.digest("hex");
}

const stampOf = (dir) => {
  try {
    return fs.readFileSync(path.join(dir, STAMP), "utf8");
  } catch {
    return null;
  }
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Holds the build lock while `work` runs; a lock left by a build that died is taken over. */
async function withLock(work) {
  for (;;) {
    try {
      fs.writeFileSync(LOCK, String(process.pid), { flag: "wx" });
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      let stale = false;
      try {
        const pid = Number(fs.readFileSync(LOCK, "utf8"));
        stale = Date.now() - fs.statSync(LOCK).mtimeMs > STALE_LOCK_MS || !alive(pid);
      } catch {
        // Released meanwhile: try again.
      }
      if (stale) fs.rmSync(LOCK, { force: true });
      else await sleep(50);
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(LOCK, { force: true });
  }
}

function alive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

async function build(files, hash) {
  const esbuild = await import("esbuild");
  const tmp = `${DIST}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    await esbuild.build({
      entryPoints: files.filter((f) => f.endsWith(".ts")),
      outdir: tmp,
      outbase: SRC,
      // Bundling only so that every import can be rewritten: each one stays an import of its own file.
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      charset: "utf8",
      logLevel: "error",
      plugins: [
        {
          name: "one-file-each",
          setup(b) {
            b.onResolve({ filter: /.*/ }, (args) => {
              if (args.kind === "entry-point") return undefined;
              return { path: args.path.startsWith(".") ? args.path.replace(/\.ts$/, ".js") : args.path, external: true };
            });
          },
        },
      ],
    });
    for (const file of files.filter((f) => f.endsWith(".mjs"))) fs.cpSync(file, path.join(tmp, path.relative(SRC, file)));
    fs.writeFileSync(path.join(tmp, STAMP), hash);
    const old = `${DIST}.${process.pid}.old`;
    if (fs.existsSync(DIST)) fs.renameSync(DIST, old);
    fs.renameSync(tmp, DIST);
    fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The file URL of `module` (a path inside src/, as .js) in an up-to-date dist/, built first if src/
 * changed; null when it cannot be built here (no esbuild, a folder that cannot be written), for the
 * caller to run the TypeScript source instead.
 */
export async function built(module) {
  const files = sources();
  const version = esbuildVersion();
  if (version === null) return null;
  const hash = hashOf(files, version);
  try {
    if (stampOf(DIST) !== hash) await withLock(async () => stampOf(DIST) !== hash && (await build(files, hash)));
  } catch {
    return null;
  }
  return pathToFileURL(path.join(DIST, module)).href;
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  if ((await built("")) === null) {
    process.stderr.write("Could not build dist/ (the CLI will run its TypeScript sources instead).\n");
  }
}
