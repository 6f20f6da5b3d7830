/** Builds a backend from the effective config. Backend packages are imported lazily so `config show` loads neither. */
import { assertSupportedBackend, type Backend, type Config, InternalError } from "@agentkernel/core";
import type { BackendId } from "./sandbox-hints.js";

/** Options the CLI hands to createLocalBackend (the contract of @agentkernel/backend-local, issue 5). */
interface LocalBackendOptions {
  stateDir?: string;
  isolation?: "bwrap" | "none";
  logger?: (message: string) => void;
}

/** What a backend factory needs besides the config. */
export interface BackendEnvironment {
  env: NodeJS.ProcessEnv;
  /** Operator warnings (raw_exec, ignored image); the CLI prints them on stderr. */
  warn: (message: string) => void;
}

async function createLocal(config: Config, environment: BackendEnvironment): Promise<Backend> {
  // Typed structurally: the CLI depends on the documented factory signature, not on the package's internals.
  const mod = (await import("@agentkernel/backend-local")) as unknown as {
    createLocalBackend?: (options: LocalBackendOptions) => Backend;
  };
  if (typeof mod.createLocalBackend !== "function") {
    throw new InternalError("this build of @agentkernel/backend-local has no createLocalBackend; reinstall agentkernel");
  }
  const options: LocalBackendOptions = { isolation: config.local.isolation, logger: environment.warn };
  if (config.local.state_dir !== undefined) options.stateDir = config.local.state_dir;
  return mod.createLocalBackend(options);
}

async function createNomad(config: Config, environment: BackendEnvironment): Promise<Backend> {
  const { createNomadBackend } = await import("@agentkernel/backend-nomad");
  const o = config.orchestrator;
  const driver =
    o.nomad_driver === "raw_exec" ? { driver: o.nomad_driver, allowUnisolated: true as const } : { driver: o.nomad_driver };
  return createNomadBackend({
    env: environment.env,
    config: {
      address: o.nomad_addr,
      ...(o.nomad_token !== undefined ? { token: o.nomad_token } : {}),
      ...(o.nomad_namespace !== undefined ? { namespace: o.nomad_namespace } : {}),
      ...(o.nomad_region !== undefined ? { region: o.nomad_region } : {}),
    },
    driver,
    datacenters: [o.nomad_datacenter],
    mhzPerVcpu: o.nomad_cpu_mhz_per_vcpu,
    defaultImage: config.sandbox.base_image,
    defaultProfile: config.security.profile,
    onWarning: environment.warn,
  });
}

/** Creates the backend `id` configured by `config`, refusing a contract version this CLI does not know. */
export async function createBackend(id: BackendId, config: Config, environment: BackendEnvironment): Promise<Backend> {
  const backend = id === "nomad" ? await createNomad(config, environment) : await createLocal(config, environment);
  return assertSupportedBackend(backend);
}
