/** startServerFromConfig: the API key, bind address, warm pools (or else a reaper loop) from the config, for `agentkernel serve`. */
import { type Backend, type Config, poolKey } from "@agentkernel/core";
import { createWarmPool, type WarmPool } from "@agentkernel/pool";
import { readApiKeyFile } from "./auth.js";
import type { ServerLimits } from "./limits.js";
import { createLogger, type Logger } from "./logger.js";
import { type RunningServer, startServer } from "./main.js";
import { type ReaperLoop, startReaperLoop } from "./reaper-loop.js";

/** Options of startServerFromConfig; flags win over the config. */
export interface ServeFromConfigOptions {
  config: Config;
  backend: Backend;
  /** `--host`; default `server.host`. */
  host?: string | undefined;
  /** `--port`; default `server.port`. */
  port?: number | undefined;
  insecureNoAuth?: boolean | undefined;
  logger?: Logger;
  limits?: Partial<ServerLimits>;
  shutdownOn?: NodeJS.Signals[];
}

/** The key from `server.api_key` (AGENTKERNEL_API_KEY) or the file `server.api_key_file` names. */
export function apiKeyFromConfig(config: Config): string | undefined {
  if (config.server.api_key !== undefined) return config.server.api_key;
  return config.server.api_key_file !== undefined ? readApiKeyFile(config.server.api_key_file) : undefined;
}

/**
 * A warm pool per `orchestrator.warm_pool_images` (profile `security.profile`) when the backend offers one;
 * undefined otherwise (runs then always start cold).
 */
export function poolFromConfig(config: Config, backend: Backend, logger: Logger): WarmPool | undefined {
  const o = config.orchestrator;
  if (o.warm_pool_images.length === 0 || !backend.warmPool) return undefined;
  const profile = config.security.profile;
  return createWarmPool({
    backend,
    pools: o.warm_pool_images.map((image) => ({ key: poolKey(image, profile), image, profile })),
    targetSize: o.warm_pool_size,
    maxSize: o.max_pool_size,
    defaultImage: config.sandbox.base_image,
    defaultProfile: profile,
    logger: logger.child({ component: "pool" }),
  });
}

/** Starts the server the way `agentkernel serve` and the Nomad job run it. */
export async function startServerFromConfig(options: ServeFromConfigOptions): Promise<RunningServer> {
  const { config, backend } = options;
  const apiKey = apiKeyFromConfig(config);
  const logger = options.logger ?? createLogger({ secrets: [apiKey, config.orchestrator.nomad_token, process.env.NOMAD_TOKEN] });
  const pool = poolFromConfig(config, backend, logger);
  // Upkeep starts first so /ready reflects it; a backend that is down makes upkeep back off, not the server fail.
  await pool?.start();
  let server: RunningServer;
  try {
    server = await startServer({
      host: options.host ?? config.server.host,
      port: options.port ?? config.server.port,
      backend,
      apiKey,
      insecureNoAuth: options.insecureNoAuth ?? false,
      pool,
      logger,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.shutdownOn ? { shutdownOn: options.shutdownOn } : {}),
    });
  } catch (error) {
    await pool?.drain();
    throw error;
  }
  // Pool upkeep reaps; without a pool nothing would, so expired sandboxes (a killed `run`'s) would stay forever.
  const reaper = pool ? undefined : startReaperLoop(backend, logger.child({ component: "reaper" }));
  return reaper ? withReaper(server, reaper) : server;
}

/** `server`, whose shutdown (close() or a signal) also stops `reaper`; `closed` settles once both are done. */
function withReaper(server: RunningServer, reaper: ReaperLoop): RunningServer {
  const closed = server.closed.then(() => reaper.stop());
  return {
    ...server,
    closed,
    async close() {
      await Promise.all([reaper.stop(), server.close()]);
    },
  };
}
