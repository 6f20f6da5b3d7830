/** createWarmPool options, their defaults and validation, and which pool (if any) can serve a spec. */
import {
  assertSupportedBackend,
  type Backend,
  InvalidInputError,
  PROFILE_DEFAULTS,
  type SandboxSpec,
  type SecurityProfile,
  type WarmPoolProvider,
  type WarmPoolSpec,
} from "@agentkernel/core";

/** A pino-compatible logger subset (`logger.debug({ name }, "message")`). */
export interface WarmPoolLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Options of `createWarmPool`. */
export interface WarmPoolOptions {
  /** Backend for cold fallbacks; its `warmPool` is the provider unless `provider` is given. */
  backend?: Backend;
  /** A provider to use instead of `backend.warmPool`. */
  provider?: WarmPoolProvider;
  /** The pools to keep warm (config `warm_pool_images` × profile). */
  pools: WarmPoolSpec[];
  /** Warm (started, unclaimed) sandboxes to keep per pool: config `warm_pool_size`. Default 10. */
  targetSize?: number;
  /** Hard cap on warm + pending + claimed per pool: config `max_pool_size`. Default 50. */
  maxSize?: number;
  /** Upkeep cadence. Default 30 000 ms. */
  upkeepIntervalMs?: number;
  /** First retry delay while the backend is unavailable (doubles up to `upkeepIntervalMs`). Default 500 ms. */
  backoffBaseMs?: number;
  /** Image a spec without `image` gets on the backend. Default `alpine:3.20` (both backends' default). */
  defaultImage?: string;
  /** Profile a spec without `profile` gets. Default `moderate`. */
  defaultProfile?: SecurityProfile;
  logger?: WarmPoolLogger;
}

/** Options with defaults applied. */
export interface ResolvedWarmPoolOptions {
  backend: Backend | undefined;
  provider: WarmPoolProvider | undefined;
  pools: WarmPoolSpec[];
  targetSize: number;
  maxSize: number;
  upkeepIntervalMs: number;
  backoffBaseMs: number;
  defaultImage: string;
  defaultProfile: SecurityProfile;
  logger: WarmPoolLogger;
}

const noop = () => undefined;
/** A logger that drops everything. */
export const SILENT_LOGGER: WarmPoolLogger = { debug: noop, info: noop, warn: noop, error: noop };

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min) throw new InvalidInputError(`${name}: must be an integer ≥ ${min} (got ${String(value)})`);
  return v;
}

/** Applies defaults; bad values are InvalidInputErrors naming the option. */
export function resolveWarmPoolOptions(options: WarmPoolOptions): ResolvedWarmPoolOptions {
  const backend = options.backend ? assertSupportedBackend(options.backend) : undefined;
  const provider = options.provider ?? backend?.warmPool;
  if (!backend && !provider) throw new InvalidInputError("createWarmPool: give a backend (for cold starts) or a provider");
  const targetSize = count("warm_pool_size", options.targetSize, 10, 0);
  const maxSize = count("max_pool_size", options.maxSize, 50, 1);
  if (maxSize < targetSize) {
    throw new InvalidInputError(`max_pool_size (${maxSize}) must be ≥ warm_pool_size (${targetSize}); raise max_pool_size`);
  }
  const keys = new Set<string>();
  for (const p of options.pools) {
    if (keys.has(p.key)) throw new InvalidInputError(`warm pools: key "${p.key}" is listed twice; list each image/profile once`);
    keys.add(p.key);
  }
  return {
    backend,
    provider,
    pools: [...options.pools],
    targetSize,
    maxSize,
    upkeepIntervalMs: count("upkeepIntervalMs", options.upkeepIntervalMs, 30_000, 1),
    backoffBaseMs: count("backoffBaseMs", options.backoffBaseMs, 500, 1),
    defaultImage: options.defaultImage ?? "alpine:3.20",
    defaultProfile: options.defaultProfile ?? "moderate",
    logger: options.logger ?? SILENT_LOGGER,
  };
}

/** The pool that can serve `spec`, or why none can (for the debug log). */
export function matchPool(
  spec: SandboxSpec,
  options: Pick<ResolvedWarmPoolOptions, "pools" | "defaultImage" | "defaultProfile">,
): { pool: WarmPoolSpec } | { reason: string } {
  // A warm sandbox was started before the request: anything baked in at start cannot be honoured.
  if (spec.env && Object.keys(spec.env).length > 0) return { reason: "the spec sets env (fixed at start)" };
  if (spec.resources) return { reason: "the spec sets resources (pools run the default resources)" };
  if (spec.files && spec.files.length > 0) return { reason: "the spec has files" };
  const image = spec.image ?? options.defaultImage;
  const profile = spec.profile ?? options.defaultProfile;
  const defaults = PROFILE_DEFAULTS[profile];
  if (spec.network !== undefined && spec.network !== defaults.network)
    return { reason: `network differs from the ${profile} default` };
  if (spec.readOnlyRoot !== undefined && spec.readOnlyRoot !== defaults.readOnlyRoot) {
    return { reason: `readOnlyRoot differs from the ${profile} default` };
  }
  const pool = options.pools.find((p) => p.image === image && p.profile === profile);
  return pool ? { pool } : { reason: `no pool for image ${image} with profile ${profile}` };
}
