/** NomadBackendOptions and their defaults, validated once when the backend is created. */
import { InvalidInputError, type SecurityProfile } from "@agentkernel/core";
import type { NomadClient, NomadClientConfig } from "./client/index.js";
import { type DriverOptions, driverOptionsSchema, RAW_EXEC_WARNING } from "./drivers/index.js";
import type { JobBuilderSettings } from "./job-builder.js";

/** Options of `createNomadBackend`. Every field is optional; defaults are listed on each. */
export interface NomadBackendOptions {
  /** A ready client (tests inject one). Default: built lazily from `env` + `config` on first use. */
  client?: NomadClient;
  /** Overrides for the connection settings read from the environment (NOMAD_ADDR, NOMAD_TOKEN …). */
  config?: Partial<NomadClientConfig>;
  /** Environment to read NOMAD_* from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Task driver. Default `{ driver: "docker" }`. raw_exec needs `allowUnisolated: true`. */
  driver?: DriverOptions;
  /** Job datacenters. Default `["*"]`. */
  datacenters?: string[];
  /** Nomad namespace for sandbox jobs. Default: the client's (NOMAD_NAMESPACE), else Nomad's `default`. */
  namespace?: string;
  /** Nomad region. Default: the client's (NOMAD_REGION). */
  region?: string;
  /** Image when a spec has none. Default `alpine:3.20`. */
  defaultImage?: string;
  /** Profile when a spec has none. Default `moderate`. */
  defaultProfile?: SecurityProfile;
  /** MHz per vCPU when a spec gives `vcpus`. Default 1000. */
  mhzPerVcpu?: number;
  /** Resources when a spec gives none. Default 500 MHz, 256 MB. */
  defaultResources?: { cpuMHz: number; memoryMB: number; memoryMaxMB?: number };
  /** Main process argv. Default `["sleep", "infinity"]` (busybox ≥ 1.31; use `["sleep", "2147483647"]` for older). */
  mainCommand?: [string, ...string[]];
  /** Ephemeral disk in MB. Default 300. */
  diskMB?: number;
  /** Longest a start may take (placement + pull + start). Default 300 000 ms. */
  startTimeoutMs?: number;
  /** Longest single blocking query while following a start. Default 30 000 ms. */
  blockingWaitMs?: number;
  /** Jobs per page when listing (one request per page). Default 500. */
  listPageSize?: number;
  /** Receives operator warnings (raw_exec). Default `process.emitWarning`. */
  onWarning?: (message: string) => void;
}

/** Options with every default applied. */
export interface ResolvedNomadOptions {
  settings: JobBuilderSettings;
  startTimeoutMs: number;
  blockingWaitMs: number;
  listPageSize: number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new InvalidInputError(`${name}: must be a positive number`);
  return value;
}

/** Applies defaults and validates; a bad driver block is an InvalidInputError naming the field. */
export function resolveOptions(
  options: NomadBackendOptions,
  scope: { namespace?: string; region?: string },
): ResolvedNomadOptions {
  const parsed = driverOptionsSchema.safeParse(options.driver ?? { driver: "docker" });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `driver${i.path.length ? `.${i.path.join(".")}` : ""}: ${i.message}`);
    throw new InvalidInputError(issues.join("; "));
  }
  if (parsed.data.driver === "raw_exec") {
    (options.onWarning ?? ((m: string) => process.emitWarning(m, "AgentkernelWarning")))(RAW_EXEC_WARNING);
  }
  const settings: JobBuilderSettings = {
    driver: parsed.data,
    datacenters: options.datacenters ?? ["*"],
    defaultImage: options.defaultImage ?? "alpine:3.20",
    defaultProfile: options.defaultProfile ?? "moderate",
    mhzPerVcpu: positive("mhzPerVcpu", options.mhzPerVcpu, 1000),
    defaultResources: options.defaultResources ?? { cpuMHz: 500, memoryMB: 256 },
    mainCommand: options.mainCommand ?? ["sleep", "infinity"],
    diskMB: positive("diskMB", options.diskMB, 300),
  };
  const namespace = options.namespace ?? scope.namespace;
  const region = options.region ?? scope.region;
  if (namespace !== undefined) settings.namespace = namespace;
  if (region !== undefined) settings.region = region;
  return {
    settings,
    startTimeoutMs: positive("startTimeoutMs", options.startTimeoutMs, 300_000),
    blockingWaitMs: positive("blockingWaitMs", options.blockingWaitMs, 30_000),
    listPageSize: Math.floor(positive("listPageSize", options.listPageSize, 500)),
  };
}
