import { z } from "zod";
import type { LevelWithSilent } from "pino";
import { DEFAULT_SECURITY, type SecuritySettings } from "./web/security.ts";
import { DEFAULT_MAX_COLUMNS } from "./core/limits.ts";

/** Settings from the environment, parsed once at start-up; every default runs the app as shipped. */
const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_PATH: z.string().min(1).default("var/classifier.db"),
  /** Folder holding lists/*.json and vocabulary.json; the bundled data/ when unset. */
  DATA_DIR: z.string().min(1).optional(),
  /** Uploaded CSVs and their results. */
  BATCH_DIR: z.string().min(1).default("var/batches"),
  MAX_UPLOAD_MB: z.coerce.number().positive().max(100_000).default(200),
  /** Days an uploaded file and its result are kept; 0 keeps them for ever. */
  BATCH_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),
  /** Columns a CSV record may have: a wider header fails the batch, a wider row is reported. */
  MAX_COLUMNS: z.coerce.number().int().min(2).max(100_000).default(DEFAULT_MAX_COLUMNS),
  /** Classification threads, one pool for single classifications and bulk chunks; 0 classifies on the thread answering requests. */
  THREADS: z.coerce.number().int().min(0).max(64).optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(6000),
  UPLOADS_PER_MINUTE: z.coerce.number().int().min(0).default(30),
  ACCESS_TOKEN: z.string().min(16, "use at least 16 characters").optional(),
  BASIC_AUTH_USER: z.string().min(1).optional(),
  BASIC_AUTH_PASSWORD: z.string().min(12, "use at least 12 characters").optional(),
  COOKIE_SECURE: z.enum(["true", "false"]).default("false"),
  /** The address people reach the site by, e.g. https://classifier.example.com: an https one turns HSTS on. */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// address" }).optional(),
  CSRF_SECRET: z.string().min(32, "use at least 32 characters").optional(),
  /** Behind a reverse proxy: trust its X-Forwarded-* headers (client address for rate limits, https). */
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  /** How long one request may take, uploads included. */
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(86_400).default(900),
  /** Request lines are at info; /healthz and /metrics probes only at debug. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
}).refine((c) => (c.BASIC_AUTH_USER === undefined) === (c.BASIC_AUTH_PASSWORD === undefined), {
  message: "set both BASIC_AUTH_USER and BASIC_AUTH_PASSWORD, or neither",
  path: ["BASIC_AUTH_PASSWORD"],
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databasePath: string;
  readonly dataDir: string | undefined;
  readonly batchDir: string;
  readonly maxUploadBytes: number;
  readonly maxColumns: number;
  readonly batchRetentionDays: number;
  readonly publicUrl: string | null;
  readonly threads: number | undefined;
  readonly security: SecuritySettings;
  readonly trustProxy: boolean;
  readonly requestTimeoutMs: number;
  readonly logLevel: LevelWithSilent;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n- ${lines.join("\n- ")}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    databasePath: c.DATABASE_PATH,
    dataDir: c.DATA_DIR,
    batchDir: c.BATCH_DIR,
    maxUploadBytes: Math.round(c.MAX_UPLOAD_MB * 1024 * 1024),
    maxColumns: c.MAX_COLUMNS,
    batchRetentionDays: c.BATCH_RETENTION_DAYS,
    publicUrl: c.PUBLIC_URL?.replace(/\/+$/, "") ?? null,
    threads: c.THREADS,
    security: {
      accessToken: c.ACCESS_TOKEN ?? null,
      basicAuth: c.BASIC_AUTH_USER && c.BASIC_AUTH_PASSWORD ? { user: c.BASIC_AUTH_USER, password: c.BASIC_AUTH_PASSWORD } : null,
      apiRatePerMinute: c.RATE_LIMIT_PER_MINUTE,
      uploadsPerMinute: c.UPLOADS_PER_MINUTE,
      cookieSecure: c.COOKIE_SECURE === "true",
      https: c.COOKIE_SECURE === "true" || (c.PUBLIC_URL?.startsWith("https:") ?? false),
      csrfSecret: c.CSRF_SECRET ?? null,
      failedAuthPerClient: DEFAULT_SECURITY.failedAuthPerClient,
      failedAuthPerAccount: DEFAULT_SECURITY.failedAuthPerAccount,
    },
    trustProxy: c.TRUST_PROXY === "true",
    requestTimeoutMs: c.REQUEST_TIMEOUT_SECONDS * 1000,
    logLevel: c.LOG_LEVEL,
  };
}
