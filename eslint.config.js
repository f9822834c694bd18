import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "dist.*/", "var/", "coverage/", "test/e2e/screenshots/", "public/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  // Imports go downward only: web and cli → app → threads → bulk, store → data → core. Each folder names what it
  // may not reach; a message says why.
  ...layer("src/core/**", ["data", "store", "bulk", "app", "web", "cli"], ["better-sqlite3", "express"], "the core is pure: no I/O, no database, no HTTP"),
  ...layer("src/data/**", ["store", "bulk", "app", "web", "cli"], ["better-sqlite3", "express"], "list data is read and validated with the core alone"),
  ...layer("src/store/**", ["app", "web", "cli"], ["express"], "the store knows nothing of its callers"),
  ...layer("src/bulk/**", ["app", "web", "cli"], ["express"], "bulk classification runs the same from the CLI, a thread or the server"),
  ...layer("src/threads/**", ["store", "app", "web", "cli"], ["better-sqlite3", "express"], "a classification thread holds the engine and the list data, nothing else"),
  ...layer("src/app/**", ["web", "cli"], ["express"], "use cases do not depend on the edge that calls them"),
  ...layer("src/cli/**", ["web"], ["express"], "the CLI does not load the web app"),
);

/** A folder's import rule: no path into the named sibling folders, none of the named packages. */
function layer(files, folders, packages, why) {
  return [
    {
      files: [files],
      rules: {
        "no-restricted-imports": [
          "error",
          {
            paths: packages.map((name) => ({ name, message: `Not from this folder: ${why}.` })),
            patterns: [{ group: folders.map((f) => `**/${f}/*`), message: `Not from this folder: ${why}.` }],
          },
        ],
      },
    },
  ];
}
