/** Merging config layers (defaults < user file < project file < env < flags) while remembering where each value came from. */
import type { ValueOrigin } from "./config-error.js";

/** Where an effective value came from. */
export type ConfigSource = "default" | "user-file" | "project-file" | "env" | "flag";

/** One layer of raw (unvalidated) config. */
export interface ConfigLayer {
  source: Exclude<ConfigSource, "default">;
  data: Record<string, unknown>;
  /** The file, for file layers. */
  file?: string;
  /** Env var name per dot path, for the env layer. */
  envNames?: Record<string, string>;
}

/** Env vars read by loadConfig and the key each one sets. Empty values count as unset. */
export const CONFIG_ENV_VARS: Readonly<Record<string, string>> = {
  NOMAD_ADDR: "orchestrator.nomad_addr",
  NOMAD_TOKEN: "orchestrator.nomad_token",
  NOMAD_NAMESPACE: "orchestrator.nomad_namespace",
  NOMAD_REGION: "orchestrator.nomad_region",
  AGENTKERNEL_PROVIDER: "orchestrator.provider",
  AGENTKERNEL_API_KEY: "server.api_key",
  AGENTKERNEL_API_KEY_FILE: "server.api_key_file",
  AGENTKERNEL_STATE_DIR: "local.state_dir",
};

/** Builds the env layer from CONFIG_ENV_VARS; nothing else in the environment is read. */
export function envLayer(env: NodeJS.ProcessEnv): ConfigLayer | undefined {
  const data: Record<string, unknown> = {};
  const envNames: Record<string, string> = {};
  for (const [name, path] of Object.entries(CONFIG_ENV_VARS)) {
    const value = env[name];
    if (value === undefined || value.trim() === "") continue;
    const [section = "", key = ""] = path.split(".");
    const table = isTable(data[section]) ? data[section] : {};
    table[key] = value;
    data[section] = table;
    envNames[path] = name;
  }
  return Object.keys(envNames).length > 0 ? { source: "env", data, envNames } : undefined;
}

/** True for `{…}` tables (not arrays, dates or class instances), which merge key by key. */
export function isTable(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

interface Setter {
  layer: ConfigLayer;
  path: string;
}

/** The merged raw config, plus which layer set each leaf. Arrays and scalars replace; tables merge. */
export interface MergedLayers {
  data: Record<string, unknown>;
  setBy: Map<string, Setter>;
}

function mergeInto(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
  prefix: string,
  layer: ConfigLayer,
  setBy: Map<string, Setter>,
): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue; // unset flags
    const path = prefix ? `${prefix}.${key}` : key;
    if (isTable(value)) {
      const existing = target[key];
      const table = isTable(existing) ? existing : {};
      if (!isTable(existing)) setBy.delete(path);
      target[key] = table;
      mergeInto(table, value, path, layer, setBy);
    } else {
      for (const stale of setBy.keys()) if (stale.startsWith(`${path}.`)) setBy.delete(stale);
      target[key] = value;
      setBy.set(path, { layer, path });
    }
  }
}

/** Merges layers in order, later winning. */
export function mergeLayers(layers: readonly ConfigLayer[]): MergedLayers {
  const data: Record<string, unknown> = {};
  const setBy = new Map<string, Setter>();
  for (const layer of layers) mergeInto(data, layer.data, "", layer, setBy);
  return { data, setBy };
}

// `files[0].dest` → ["files[0].dest", "files[0]", "files"]: errors deep inside a replaced array blame its setter.
function prefixes(path: string): string[] {
  const out: string[] = [];
  let current = path;
  while (current) {
    out.push(current);
    const cut = Math.max(current.lastIndexOf("."), current.lastIndexOf("["));
    current = cut > 0 ? current.slice(0, cut) : "";
  }
  return out;
}

/** The layer that set `path` (or the nearest enclosing value), as an origin for error messages. */
export function originOf(merged: MergedLayers, path: string): ValueOrigin | undefined {
  for (const candidate of prefixes(path)) {
    const setter = merged.setBy.get(candidate);
    if (!setter) continue;
    const { layer } = setter;
    if (layer.file) return { file: layer.file };
    if (layer.source === "env") return { env: layer.envNames?.[candidate] ?? "AGENTKERNEL_*" };
    return { flag: true };
  }
  return undefined;
}

/** The source of every leaf of the validated config, by dot path (`orchestrator.nomad_addr`). */
export function sourcesOf(config: Record<string, unknown>, merged: MergedLayers): Record<string, ConfigSource> {
  const out: Record<string, ConfigSource> = {};
  const walk = (value: Record<string, unknown>, prefix: string): void => {
    for (const [key, child] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (isTable(child)) walk(child, path);
      else out[path] = merged.setBy.get(path)?.layer.source ?? "default";
    }
  };
  walk(config, "");
  return out;
}
