/** Builds a backend from the effective config. Backend packages are imported lazily so `config show` loads neither. */
import type { LocalBackendOptions } from "@agentkernel/backend-local";
import { assertSupportedBackend, type Backend, type Config } from "@agentkernel/core";
import { localStateDir } from "./doctor-local.js";
import type { BackendId } from "./sandbox-hints.js";

/** What a backend factory needs besides the config. */
export interface BackendEnvironment {
  env: NodeJS.ProcessEnv;
  /** Operator warnings (raw_exec, ignored image); the CLI prints them on stderr. */
  warn: (message: string) => void;
}

async function createLocal(config: Config, environment: BackendEnvironment): Promise<Backend> {
  const { createLocalBackend } = await import("@agentkernel/backend-local");
  // The state dir is resolved here, from the same env the config came from, so doctor and the backend agree.
  const options: LocalBackendOptions = {
    isolation: config.local.isolation,
    logger: environment.warn,
    stateDir: localStateDir(config, environment.env),
  };
  return createLocalBackend(options);
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
