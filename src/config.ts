import { z } from "zod";

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
  /** Classification threads for bulk work; 0 classifies on the main thread. */
  WORKERS: z.coerce.number().int().min(0).max(64).optional(),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databasePath: string;
  readonly dataDir: string | undefined;
  readonly batchDir: string;
  readonly maxUploadBytes: number;
  readonly workers: number | undefined;
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
    workers: c.WORKERS,
  };
}
