/** Config: the zod schema of agentkernel.toml / agentkernel.yaml, the layered loader, errors and redaction. */
export { type ConfigError, formatConfigError } from "./config-error.js";
export { PROJECT_CONFIG_FILES, USER_CONFIG_FILES } from "./config-files.js";
export { allKeyPaths } from "./keys.js";
export { CONFIG_ENV_VARS, type ConfigSource } from "./layers.js";
export { type LoadConfigOptions, type LoadResult, loadConfig, loadConfigOrThrow, userConfigDir } from "./load.js";
export { REDACTED, redactConfig } from "./redact.js";
export {
  type Config,
  type ConfigInput,
  configJsonSchema,
  configSchema,
  DEFAULT_NOMAD_ADDR,
  type DeepPartial,
  LOCAL_ISOLATIONS,
  NOMAD_DRIVERS,
  PROVIDERS,
} from "./schema.js";
