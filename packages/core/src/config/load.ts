/** loadConfig: finds the config files, layers them with env and flags, validates, and returns a result (never throws for bad config). */
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { type ConfigError, formatConfigError, issuesToErrors } from "./config-error.js";
import { findConfigFile, PROJECT_CONFIG_FILES, readConfigFile, USER_CONFIG_FILES } from "./config-files.js";
import { type ConfigLayer, type ConfigSource, envLayer, isTable, mergeLayers, originOf, sourcesOf } from "./layers.js";
import { type Config, configSchema, type DeepPartial } from "./schema.js";

/** Options of loadConfig; every one has a sensible default so the CLI can pass only what the user gave. */
export interface LoadConfigOptions {
  /** Directory searched for the project file (default: process.cwd()). */
  cwd?: string;
  /** `--config PATH`: replaces the project file; a missing path is an error. Relative to `cwd`. */
  configPath?: string;
  /** Environment to read (default: process.env). Only CONFIG_ENV_VARS, XDG_CONFIG_HOME and HOME are used. */
  env?: NodeJS.ProcessEnv;
  /** Command-line overrides, highest precedence. `undefined` values are ignored. */
  flags?: DeepPartial<Config>;
  /** User config directory (default: `$XDG_CONFIG_HOME/agentkernel`, else `~/.config/agentkernel`). */
  userConfigDir?: string;
}

/** Success: the config, warnings to print, the source of every value by dot path, and the files read (lowest first). */
export type LoadResult =
  | { ok: true; config: Config; warnings: string[]; sources: Record<string, ConfigSource>; files: string[] }
  | { ok: false; errors: ConfigError[] };

// Secrets that belong in env vars; finding them in a file is allowed but warned about.
const FILE_SECRETS: ReadonlyArray<{ section: string; key: string; instead: string }> = [
  { section: "orchestrator", key: "nomad_token", instead: "set the NOMAD_TOKEN env var instead" },
  { section: "server", key: "api_key", instead: "set AGENTKERNEL_API_KEY or server.api_key_file instead" },
];

// Keys the seed (the Rust agentkernel) documents that this implementation does not act on: accepted so a seed
// config still loads, removed before validation, and reported so nobody believes they took effect.
const SEED_ONLY_KEYS: ReadonlyArray<{ section: string; key?: string }> = [
  { section: "build" },
  { section: "agent" },
  { section: "security", key: "mount_cwd" },
  { section: "security", key: "mount_home" },
  { section: "security", key: "pass_env" },
];

/** The user config dir loadConfig reads, honouring XDG_CONFIG_HOME when it is an absolute path (as the XDG spec says). */
export function userConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), ".config");
  return join(base, "agentkernel");
}

function fileWarnings(data: Record<string, unknown>, file: string): string[] {
  const warnings: string[] = [];
  for (const { section, key, instead } of FILE_SECRETS) {
    const table = data[section];
    if (isTable(table) && table[key] !== undefined) {
      warnings.push(
        `${file}: ${section}.${key} is a secret stored in a file (it leaks through backups and version control); ${instead}`,
      );
    }
  }
  for (const { section, key } of SEED_ONLY_KEYS) {
    const table = data[section];
    if (key === undefined && table !== undefined) {
      delete data[section];
      warnings.push(`${file}: [${section}] is a seed (Rust agentkernel) section this agentkernel ignores; remove it`);
    } else if (key !== undefined && isTable(table) && key in table) {
      delete table[key];
      warnings.push(`${file}: ${section}.${key} is a seed (Rust agentkernel) key this agentkernel ignores; remove it`);
    }
  }
  return warnings;
}

// [[files]] sources are relative to the file that names them, so a config works from any directory.
function resolveFileSources(data: Record<string, unknown>, baseDir: string): void {
  const files = data.files;
  if (!Array.isArray(files)) return;
  data.files = files.map((entry) =>
    isTable(entry) && typeof entry.source === "string" && entry.source !== "" && !isAbsolute(entry.source)
      ? { ...entry, source: resolve(baseDir, entry.source) }
      : entry,
  );
}

async function fileLayer(
  file: string,
  source: "user-file" | "project-file",
  warnings: string[],
): Promise<ConfigLayer | ConfigError> {
  const read = await readConfigFile(file);
  if (read.error || !read.data) return read.error ?? { file, path: "", message: "empty read", fix: "report this bug" };
  warnings.push(...fileWarnings(read.data, file));
  resolveFileSources(read.data, dirname(file));
  return { source, data: read.data, file };
}

/**
 * Loads the effective config. Precedence, highest first: flags > env > project file (or `--config`) > user file > defaults.
 * Bad config is reported as `{ ok: false, errors }` (render with formatConfigError), never thrown.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const errors: ConfigError[] = [];
  const warnings: string[] = [];

  const user = await findConfigFile(options.userConfigDir ?? userConfigDir(env), USER_CONFIG_FILES);
  let project: { file?: string; error?: ConfigError };
  if (options.configPath !== undefined) {
    // A missing --config path is reported by readConfigFile (ENOENT) rather than silently falling back.
    project = { file: resolve(cwd, options.configPath) };
  } else {
    project = await findConfigFile(cwd, PROJECT_CONFIG_FILES);
  }

  const layers: ConfigLayer[] = [];
  const files: string[] = [];
  for (const [found, source] of [
    [user, "user-file"],
    [project, "project-file"],
  ] as const) {
    if (found.error) errors.push(found.error);
    if (!found.file) continue;
    const layer = await fileLayer(found.file, source, warnings);
    if ("path" in layer) errors.push(layer);
    else {
      layers.push(layer);
      files.push(found.file);
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const fromEnv = envLayer(env);
  if (fromEnv) layers.push(fromEnv);
  if (options.flags) {
    const flags = structuredClone(options.flags) as Record<string, unknown>;
    resolveFileSources(flags, cwd);
    layers.push({ source: "flag", data: flags });
  }

  const merged = mergeLayers(layers);
  const parsed = configSchema.safeParse(merged.data);
  if (!parsed.success) {
    return { ok: false, errors: issuesToErrors(parsed.error.issues, (path) => originOf(merged, path)) };
  }
  return { ok: true, config: parsed.data, warnings, sources: sourcesOf(parsed.data, merged), files };
}

/** loadConfig for callers that want an exception: throws InvalidInputError listing every problem, one per line. */
export async function loadConfigOrThrow(options: LoadConfigOptions = {}): Promise<Extract<LoadResult, { ok: true }>> {
  const result = await loadConfig(options);
  if (result.ok) return result;
  throw new InvalidInputError(`invalid agentkernel config:\n${result.errors.map(formatConfigError).join("\n")}`);
}
