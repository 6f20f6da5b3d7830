/** The zod schema of agentkernel.toml / agentkernel.yaml: the seed's snake_case keys, defaults and cross-field rules. */
import { z } from "zod";
import { SANDBOX_NAME_PATTERN, SANDBOX_NAME_RULE } from "../names.js";
import { SECURITY_PROFILES } from "../sandbox.js";

/** Where sandboxes run: this machine (bubblewrap) or a Nomad cluster. */
export const PROVIDERS = ["local", "nomad"] as const;
/** Nomad task drivers agentkernel can target (see TASK-DRIVERS.md). */
export const NOMAD_DRIVERS = ["docker", "exec", "raw_exec"] as const;
/** Local backend isolation: bubblewrap namespaces, or none (trusted code and tests only). */
export const LOCAL_ISOLATIONS = ["bwrap", "none"] as const;

/** Used when neither a file, NOMAD_ADDR nor a flag gives an address (the `nomad` CLI's own default). */
export const DEFAULT_NOMAD_ADDR = "http://127.0.0.1:4646";

// Nomad's client accepts http(s) and, for the Task API socket, unix:// (issue 4).
const nomadAddr = z.string().regex(/^(https?:\/\/[^\s/]+|unix:\/\/\/\S+)/, "must be an http://, https:// or unix:/// address");

const nonEmpty = z.string().trim().min(1, "must not be empty");

const orchestratorSchema = z
  .strictObject({
    provider: z.enum(PROVIDERS).default("local").describe("Backend that runs sandboxes: local or nomad."),
    nomad_addr: nomadAddr.default(DEFAULT_NOMAD_ADDR).describe("Nomad HTTP API address. Env: NOMAD_ADDR."),
    nomad_token: nonEmpty
      .optional()
      .describe("Nomad ACL token. Prefer the NOMAD_TOKEN env var: a token in a file gives a warning."),
    nomad_driver: z.enum(NOMAD_DRIVERS).default("docker").describe("Nomad task driver: docker, exec or raw_exec."),
    nomad_datacenter: nonEmpty.default("dc1").describe("Nomad datacenter sandboxes are placed in."),
    nomad_namespace: nonEmpty.optional().describe("Nomad namespace (Nomad's default when unset). Env: NOMAD_NAMESPACE."),
    nomad_region: nonEmpty.optional().describe("Nomad region (the agent's region when unset). Env: NOMAD_REGION."),
    nomad_cpu_mhz_per_vcpu: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1000)
      .describe("MHz of Nomad `cpu` per requested vCPU (Nomad reserves CPU in MHz)."),
    warm_pool_size: z.number().int().min(0).max(10_000).default(10).describe("Pre-warmed allocations kept ready."),
    max_pool_size: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(50)
      .describe("Hard cap on warm + claimed pool allocations; must be ≥ warm_pool_size."),
    warm_pool_images: z.array(nonEmpty).max(100).default([]).describe("Images with a warm pool each, e.g. alpine:3.20."),
  })
  .superRefine((o, ctx) => {
    if (o.warm_pool_size > o.max_pool_size) {
      ctx.addIssue({
        code: "custom",
        path: ["warm_pool_size"],
        message: `must be ≤ max_pool_size (${o.max_pool_size})`,
        params: { fix: `set warm_pool_size to ${o.max_pool_size} or less, or raise max_pool_size` },
      });
    }
  });

const sandboxSchema = z.strictObject({
  name: z
    .string()
    .regex(SANDBOX_NAME_PATTERN, `must be ${SANDBOX_NAME_RULE}`)
    .optional()
    .describe("Default sandbox name for this project."),
  base_image: nonEmpty.default("alpine:3.20").describe("Image sandboxes start from."),
});

const resourcesSchema = z.strictObject({
  vcpus: z.number().positive().max(512).default(1).describe("Virtual CPUs per sandbox."),
  memory_mb: z.number().int().min(16).max(1_048_576).default(512).describe("Memory limit per sandbox, in MB."),
});

const securitySchema = z.strictObject({
  profile: z.enum(SECURITY_PROFILES).default("moderate").describe("Hardening preset: permissive, moderate or restrictive."),
  network: z.boolean().optional().describe("Allow outbound network. Unset: the profile decides (only permissive allows)."),
  read_only: z.boolean().optional().describe("Read-only root filesystem. Unset: the profile decides."),
});

const fileSchema = z.strictObject({
  source: nonEmpty.describe("Host path to copy in; relative paths are resolved against the config file's directory."),
  dest: z.string().startsWith("/", "must be an absolute path inside the sandbox").describe("Absolute path in the sandbox."),
});

const serverSchema = z
  .strictObject({
    host: nonEmpty.default("127.0.0.1").describe("Address the HTTP server binds to."),
    port: z.number().int().min(0).max(65_535).default(18888).describe("TCP port of the HTTP server (0 picks a free one)."),
    api_key: nonEmpty
      .optional()
      .describe("API key clients must send. Prefer AGENTKERNEL_API_KEY or api_key_file: a key in a file gives a warning."),
    api_key_file: nonEmpty.optional().describe("File holding the API key. Env: AGENTKERNEL_API_KEY_FILE."),
  })
  .superRefine((s, ctx) => {
    if (s.api_key !== undefined && s.api_key_file !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["api_key_file"],
        message: "api_key and api_key_file are both set",
        params: { fix: "keep one: remove api_key (or AGENTKERNEL_API_KEY) or api_key_file (or AGENTKERNEL_API_KEY_FILE)" },
      });
    }
  });

const localSchema = z.strictObject({
  state_dir: nonEmpty.optional().describe("Where the local backend keeps sandbox state. Env: AGENTKERNEL_STATE_DIR."),
  isolation: z.enum(LOCAL_ISOLATIONS).default("bwrap").describe("Local isolation: bwrap, or none (trusted code only)."),
});

/** The whole config file. Every section is optional in a file; missing keys take their defaults. */
export const configSchema = z.strictObject({
  orchestrator: orchestratorSchema.prefault({}).describe("Where sandboxes run and the Nomad connection."),
  sandbox: sandboxSchema.prefault({}).describe("Project sandbox defaults."),
  resources: resourcesSchema.prefault({}).describe("Resource limits per sandbox."),
  security: securitySchema.prefault({}).describe("Security profile and overrides."),
  files: z.array(fileSchema).max(1000).default([]).describe("Files copied into each new sandbox ([[files]])."),
  server: serverSchema.prefault({}).describe("The HTTP API server."),
  local: localSchema.prefault({}).describe("The local (bubblewrap) backend."),
});

/** Validated, defaulted config, as loadConfig returns it. */
export type Config = z.output<typeof configSchema>;
/** What a config file may contain (every key optional). */
export type ConfigInput = z.input<typeof configSchema>;

/** Recursively optional, for flag overrides. Arrays are replaced whole, never merged. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | undefined }
    : T;

/** The JSON Schema of a config file (committed as packages/core/config.schema.json; editors can use it). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: "input" }),
    title: "agentkernel config (agentkernel.toml / agentkernel.yaml)",
  };
}
