/**
 * The optional disk spool (`PUBLISH_SPOOL_DIR`): the pending datums, written before every send
 * and after it, so that a crash or restart loses nothing. Each write is crash-safe (a temporary
 * file, fsync, rename, fsync of the directory); a file that cannot be read back is moved aside
 * ("quarantined") and logged, never fatal.
 */
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import * as v from "valibot";
import { STORAGE_RESOLUTIONS, UNITS } from "./cloudwatch/limits.ts";
import type { Datum } from "./datum.ts";
import type { Logger } from "./log.ts";

export const SPOOL_FILE = "pending.json";
const FORMAT = 1;

const DatumSchema = v.object({
  namespace: v.string(),
  metricName: v.string(),
  value: v.number(),
  unit: v.picklist(UNITS),
  timestamp: v.number(),
  dimensions: v.array(v.object({ name: v.string(), value: v.string() })),
  storageResolution: v.picklist(STORAGE_RESOLUTIONS),
});
const SpoolSchema = v.object({ format: v.literal(FORMAT), datums: v.array(DatumSchema) });

/** The file system operations the spool needs; tests pass failing or recording ones. */
export interface SpoolFiles {
  read(path: string): Promise<string | undefined>;
  /** Replaces `path` so that after a crash it holds either the old or the new content. */
  writeAtomic(path: string, content: string): Promise<void>;
  remove(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  list(dir: string): Promise<string[]>;
  /** Creates the directory (and parents) if it does not exist, readable by this user only. */
  ensureDir(dir: string): Promise<void>;
}

export const nodeSpoolFiles: SpoolFiles = {
  async read(path) {
    try {
      return await readFile(path, "utf8");
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return undefined;
      throw error;
    }
  },
  async writeAtomic(path, content) {
    const temporary = `${path}.tmp`;
    const file = await open(temporary, "w", 0o600);
    try {
      await file.writeFile(content);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
    const dir = await open(join(path, ".."), "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  },
  remove: (path) => rm(path, { force: true }),
  rename: (from, to) => rename(from, to),
  list: (dir) => readdir(dir),
  ensureDir: async (dir) => {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  },
};

export class Spool {
  private failing = false;

  private constructor(
    private readonly path: string,
    private readonly files: SpoolFiles,
    private readonly log: Logger,
    private readonly max: number,
  ) {}

  /** Opens the spool in `dir` and returns what an earlier run left undelivered. */
  static async open(
    dir: string,
    files: SpoolFiles,
    log: Logger,
    max: number,
    now: () => number,
  ): Promise<{ spool: Spool; recovered: Datum[] }> {
    const spool = new Spool(join(dir, SPOOL_FILE), files, log, max);
    await files
      .ensureDir(dir)
      .catch((error: unknown) =>
        log.error("cannot create the spool directory", { path: dir, reason: String(error) }),
      );
    const names = await files.list(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith(".tmp"))) await files.remove(join(dir, name));
    let text: string | undefined;
    try {
      text = await files.read(spool.path);
    } catch (error) {
      log.error("cannot read the spool; starting without it", { path: spool.path, reason: String(error) });
      return { spool, recovered: [] };
    }
    if (text === undefined) return { spool, recovered: [] };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = v.safeParse(SpoolSchema, parsed);
    if (!result.success) {
      const aside = `${spool.path}.corrupt-${new Date(now()).toISOString().replace(/[:.]/g, "-")}`;
      await files.rename(spool.path, aside).catch(() => {});
      log.error("the spool file is damaged; moved aside and starting without it", {
        path: spool.path,
        quarantined: aside,
        bytes: text.length,
      });
      return { spool, recovered: [] };
    }
    const recovered = result.output.datums as Datum[];
    if (recovered.length > 0)
      log.info("recovered undelivered datapoints from the spool", { datums: recovered.length });
    return { spool, recovered };
  }

  /** Records exactly `pending` (the newest `max`); an empty list removes the file. */
  async save(pending: readonly Datum[]): Promise<void> {
    try {
      if (pending.length === 0) await this.files.remove(this.path);
      else {
        const kept = pending.slice(-this.max);
        await this.files.writeAtomic(this.path, JSON.stringify({ format: FORMAT, datums: kept }));
      }
      if (this.failing) this.log.info("the spool is writable again", { path: this.path });
      this.failing = false;
    } catch (error) {
      if (!this.failing) {
        this.log.error("cannot write the spool: undelivered datapoints are only in memory", {
          path: this.path,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
      this.failing = true;
    }
  }
}
