import type { LogFormat, LogLevel } from "./config/load.ts";

export type Fields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

export interface LogOptions {
  readonly format: LogFormat;
  readonly level: LogLevel;
  /** info/debug lines. */
  readonly out: (line: string) => void;
  /** warn/error lines. */
  readonly err: (line: string) => void;
  readonly now?: () => number;
  /**
   * Values that must never be printed (secret keys, session tokens). Checked on every line as a
   * last line of defence; the code never logs credentials in the first place.
   */
  readonly secrets?: ReadonlySet<string>;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const REDACTED = "[REDACTED]";

/** Strings are bare unless they hold spaces, quotes or "="; anything else is JSON. */
function textValue(value: unknown): string {
  if (typeof value !== "string") return JSON.stringify(value) ?? String(value);
  return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}

/** One structured line per event: JSON objects, or `time LEVEL msg key=value` text. */
export function createLogger(options: LogOptions): Logger {
  const now = options.now ?? Date.now;
  const min = RANK[options.level];
  const write = (level: LogLevel, msg: string, fields: Fields = {}) => {
    if (RANK[level] < min) return;
    const time = new Date(now()).toISOString();
    let line =
      options.format === "json"
        ? JSON.stringify({ time, level, msg, ...fields })
        : [
            time,
            level.toUpperCase().padEnd(5),
            msg,
            ...Object.entries(fields)
              .filter(([, v]) => v !== undefined)
              .map(([k, v]) => `${k}=${textValue(v)}`),
          ].join(" ");
    for (const secret of options.secrets ?? []) {
      if (secret.length >= 4) line = line.replaceAll(secret, REDACTED);
    }
    (RANK[level] >= RANK.warn ? options.err : options.out)(line);
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
  };
}
