/** Finding agentkernel.toml / agentkernel.yaml on disk and parsing them, with the file and line in every error. */
import { readFile, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { parse as parseToml, TomlError } from "smol-toml";
import { parseDocument } from "yaml";
import type { ConfigError } from "./config-error.js";
import { isTable } from "./layers.js";

/** File names looked for in the working directory. */
export const PROJECT_CONFIG_FILES = ["agentkernel.toml", "agentkernel.yaml", "agentkernel.yml"] as const;
/** File names looked for in the user config dir (`$XDG_CONFIG_HOME/agentkernel`, else `~/.config/agentkernel`). */
export const USER_CONFIG_FILES = ["config.toml", "config.yaml", "config.yml", ...PROJECT_CONFIG_FILES] as const;

/** A found file, or an error (two candidates in one dir, a dir we cannot look into). */
export type FoundFile = { file?: string; error?: ConfigError };

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return false;
    throw error;
  }
}

/** Looks for exactly one of `names` in `dir`; two or more is an error, since which one wins would be a guess. */
export async function findConfigFile(dir: string, names: readonly string[]): Promise<FoundFile> {
  const found: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (await exists(path)) found.push(path);
    } catch (error) {
      return {
        error: {
          file: path,
          path: "",
          message: `cannot check for the file: ${String(error)}`,
          fix: "fix the directory's permissions",
        },
      };
    }
  }
  if (found.length > 1) {
    return {
      error: {
        file: found.join(" and "),
        path: "",
        message: `found ${found.length} config files in ${dir}`,
        fix: "keep one of them and delete or rename the others",
      },
    };
  }
  return found[0] ? { file: found[0] } : {};
}

/** The format follows the extension; anything but .toml/.yaml/.yml is refused rather than guessed. */
export function formatOf(file: string): "toml" | "yaml" | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === ".toml") return "toml";
  if (ext === ".yaml" || ext === ".yml") return "yaml";
  return undefined;
}

function parseError(file: string, message: string, line?: number, column?: number): ConfigError {
  const error: ConfigError = { file, path: "", message, fix: "fix the syntax at that line" };
  if (line !== undefined) error.line = line;
  if (column !== undefined) error.column = column;
  return error;
}

function parseText(file: string, text: string, format: "toml" | "yaml"): { data?: unknown; error?: ConfigError } {
  if (format === "toml") {
    try {
      return { data: parseToml(text) };
    } catch (error) {
      if (error instanceof TomlError) {
        const first = error.message.split("\n")[0] ?? "invalid TOML";
        return { error: parseError(file, first.replace(/^Invalid TOML document: /, "invalid TOML: "), error.line, error.column) };
      }
      return { error: parseError(file, `invalid TOML: ${String(error)}`) };
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const message = first.message.replace(/ at line \d+, column \d+:[\s\S]*$/, "").split("\n")[0] ?? "";
    const pos = first.linePos?.[0];
    return { error: parseError(file, `invalid YAML: ${message}`, pos?.line, pos?.col) };
  }
  try {
    // A small alias budget stops a "billion laughs" file from exhausting memory.
    return { data: doc.toJS({ maxAliasCount: 100 }) ?? {} };
  } catch (error) {
    return { error: parseError(file, `invalid YAML: ${String(error)}`) };
  }
}

/** Reads and parses one config file into a raw table. */
export async function readConfigFile(file: string): Promise<{ data?: Record<string, unknown>; error?: ConfigError }> {
  const format = formatOf(file);
  if (!format) {
    return { error: { file, path: "", message: "unknown config file type", fix: "name the file *.toml, *.yaml or *.yml" } };
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    return {
      error: {
        file,
        path: "",
        message: code === "ENOENT" ? "the config file does not exist" : `cannot read the file (${code})`,
        fix: code === "ENOENT" ? "check the path given to --config" : "make it a readable regular file",
      },
    };
  }
  const { data, error } = parseText(file, text, format);
  if (error) return { error };
  if (!isTable(data)) {
    return {
      error: {
        file,
        path: "",
        message: "the top level is not a table of sections",
        fix: "start with a section such as [orchestrator]",
      },
    };
  }
  return { data };
}
