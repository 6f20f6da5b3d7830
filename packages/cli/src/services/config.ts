/** config show / config validate: the effective config with each value's source (secrets redacted), and validation. */
import { dirname } from "node:path";
import {
  CONFIG_ENV_VARS,
  type ConfigError,
  type ConfigSource,
  formatConfigError,
  type LoadConfigOptions,
  loadConfig,
  redactConfig,
  userConfigDir,
} from "@agentkernel/core";
import type { CliContext } from "./cli-context.js";

/** Where one effective value came from: the layer, and the file or env var when there is one. */
export interface ValueSource {
  source: ConfigSource;
  file?: string;
  env?: string;
}

/** `config show`'s result. Secrets are `<redacted>` when set; unset stays absent. */
export interface ConfigShow {
  config: Record<string, unknown>;
  sources: Record<string, ValueSource>;
  files: string[];
  warnings: string[];
}

const ENV_BY_PATH: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(CONFIG_ENV_VARS).map(([name, path]) => [path, name]),
);

/** The effective config of this invocation (the context already loaded it once). */
export function showConfig(ctx: CliContext): ConfigShow {
  const userDir = userConfigDir(ctx.env);
  const userFile = ctx.files.find((f) => dirname(f) === userDir);
  const projectFile = ctx.files.find((f) => f !== userFile);
  const sources: Record<string, ValueSource> = {};
  for (const [path, source] of Object.entries(ctx.sources)) {
    const entry: ValueSource = { source };
    if (source === "user-file" && userFile) entry.file = userFile;
    if (source === "project-file" && projectFile) entry.file = projectFile;
    if (source === "env" && ENV_BY_PATH[path]) entry.env = ENV_BY_PATH[path];
    sources[path] = entry;
  }
  return { config: redactConfig(ctx.config), sources, files: ctx.files, warnings: ctx.warnings };
}

function leafValue(config: Record<string, unknown>, path: string): unknown {
  let current: unknown = config;
  for (const key of path.split(".")) current = (current as Record<string, unknown> | undefined)?.[key];
  return current;
}

/** `section.key = value   (source)` lines, sorted by path. */
export function renderConfigShow(show: ConfigShow): string {
  const rows = Object.keys(show.sources)
    .sort()
    .map((path) => {
      const s = show.sources[path];
      const where = s?.file ? `${s.source} ${s.file}` : s?.env ? `env ${s.env}` : (s?.source ?? "default");
      return [`${path} = ${JSON.stringify(leafValue(show.config, path))}`, where] as const;
    });
  const width = Math.max(0, ...rows.map(([l]) => l.length));
  const lines = rows.map(([l, w]) => `${l.padEnd(width)}  # ${w}`);
  for (const w of show.warnings) lines.push(`# warning: ${w}`);
  return lines.join("\n");
}

/** `config validate`'s result. */
export interface ValidateResult {
  valid: boolean;
  files: string[];
  errors: ConfigError[];
  warnings: string[];
}

/** Loads the config the way every command would and reports every problem (file, dot path, fix). */
export async function validateConfig(options: LoadConfigOptions): Promise<ValidateResult> {
  const result = await loadConfig(options);
  if (result.ok) return { valid: true, files: result.files, errors: [], warnings: result.warnings };
  return { valid: false, files: [], errors: result.errors, warnings: [] };
}

/** One line per error, then the warnings. */
export function renderValidate(result: ValidateResult): string {
  if (!result.valid) return result.errors.map((e) => `✗ ${formatConfigError(e)}`).join("\n");
  const files = result.files.length > 0 ? result.files.join(", ") : "no config file (defaults and env only)";
  return [`✓ config is valid (${files})`, ...result.warnings.map((w) => `! ${w}`)].join("\n");
}
