/** redactConfig: the config with its secrets masked, for `config show`, logs and error reports. */
import type { Config } from "./schema.js";

/** What a masked secret reads as. */
export const REDACTED = "<redacted>";

/**
 * A deep copy of `config` with `orchestrator.nomad_token` and `server.api_key` replaced by `"<redacted>"`
 * when set (unset stays unset, so "no token" remains visible). Reads nothing from the environment.
 */
export function redactConfig(config: Config): Config {
  const copy = structuredClone(config);
  if (copy.orchestrator.nomad_token !== undefined) copy.orchestrator.nomad_token = REDACTED;
  if (copy.server.api_key !== undefined) copy.server.api_key = REDACTED;
  return copy;
}
