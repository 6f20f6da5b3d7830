// Nomad connection settings, read from the same NOMAD_* variables the `nomad` CLI honours.
import { InvalidInputError } from "@agentkernel/core";

/** TLS settings; file paths, as in the Nomad CLI. */
export interface NomadTlsConfig {
  caCert?: string;
  caPath?: string;
  clientCert?: string;
  clientKey?: string;
  serverName?: string;
  skipVerify?: boolean;
}

/** Backoff for idempotent calls (connection errors, 503, `No cluster leader`). */
export interface NomadRetryConfig {
  /** Total tries including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Everything the client needs to reach a Nomad agent. */
export interface NomadClientConfig {
  /** `http://host:4646`, `https://…` or `unix:///abs/path.sock`. */
  address: string;
  token?: string;
  namespace?: string;
  region?: string;
  tls?: NomadTlsConfig;
  httpAuth?: { username: string; password?: string };
  /** Per-request timeout; default 30 000. Blocking queries extend it to wait × 17/16 + 5 s. */
  timeoutMs?: number;
  retry?: NomadRetryConfig;
}

/** Nomad's default agent address. */
export const DEFAULT_NOMAD_ADDRESS = "http://127.0.0.1:4646";
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRY: NomadRetryConfig = { attempts: 4, baseDelayMs: 200, maxDelayMs: 5_000 };

/** Go's strconv.ParseBool, which NOMAD_SKIP_VERIFY uses. */
export function parseGoBool(value: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  return undefined;
}

/** Checks an address and returns it without a trailing slash. `field` names the source in errors. */
export function validateNomadAddress(address: string, field: string): string {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new InvalidInputError(
      `${field}: ${JSON.stringify(address)} is not a URL; use http://host:4646, https://host:4646 or unix:///abs/path.sock`,
    );
  }
  if (url.protocol === "unix:") {
    if (!url.pathname.startsWith("/") || url.pathname === "/" || url.host !== "") {
      throw new InvalidInputError(`${field}: a unix address needs an absolute socket path, e.g. unix:///secrets/api.sock`);
    }
    return `unix://${url.pathname}`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidInputError(`${field}: scheme ${url.protocol} is not supported; use http://, https:// or unix://`);
  }
  if (url.username || url.password) {
    throw new InvalidInputError(`${field}: do not put credentials in the address; use NOMAD_HTTP_AUTH=user:password instead`);
  }
  return address.replace(/\/+$/, "");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/**
 * Builds a client config from NOMAD_* environment variables; `overrides` (config file, flags) win.
 * Throws InvalidInputError naming the variable and the fix when a value is malformed.
 */
export function nomadConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<NomadClientConfig> = {},
): NomadClientConfig {
  const tls: NomadTlsConfig = {};
  const caCert = nonEmpty(env.NOMAD_CACERT);
  const caPath = nonEmpty(env.NOMAD_CAPATH);
  const clientCert = nonEmpty(env.NOMAD_CLIENT_CERT);
  const clientKey = nonEmpty(env.NOMAD_CLIENT_KEY);
  const serverName = nonEmpty(env.NOMAD_TLS_SERVER_NAME);
  if (caCert) tls.caCert = caCert;
  if (caPath) tls.caPath = caPath;
  if (clientCert) tls.clientCert = clientCert;
  if (clientKey) tls.clientKey = clientKey;
  if (serverName) tls.serverName = serverName;
  const skip = nonEmpty(env.NOMAD_SKIP_VERIFY);
  if (skip !== undefined) {
    const parsed = parseGoBool(skip);
    if (parsed === undefined) {
      throw new InvalidInputError(`NOMAD_SKIP_VERIFY: ${JSON.stringify(skip)} is not a boolean; use true or false (or 1/0)`);
    }
    tls.skipVerify = parsed;
  }

  const config: NomadClientConfig = {
    address: validateNomadAddress(nonEmpty(env.NOMAD_ADDR) ?? DEFAULT_NOMAD_ADDRESS, "NOMAD_ADDR"),
  };
  const token = nonEmpty(env.NOMAD_TOKEN);
  if (token) config.token = token;
  const namespace = nonEmpty(env.NOMAD_NAMESPACE);
  if (namespace) config.namespace = namespace;
  const region = nonEmpty(env.NOMAD_REGION);
  if (region) config.region = region;
  const auth = env.NOMAD_HTTP_AUTH;
  if (auth !== undefined && auth !== "") {
    const colon = auth.indexOf(":");
    const username = colon === -1 ? auth : auth.slice(0, colon);
    // The value is a secret: the message never echoes it.
    if (username === "") throw new InvalidInputError("NOMAD_HTTP_AUTH: the user name is empty; use user or user:password");
    config.httpAuth = colon === -1 ? { username } : { username, password: auth.slice(colon + 1) };
  }

  const merged: NomadClientConfig = { ...config, ...stripUndefined(overrides) };
  const mergedTls = { ...tls, ...stripUndefined(overrides.tls ?? {}) };
  if (Object.keys(mergedTls).length > 0) merged.tls = mergedTls;
  if (overrides.address !== undefined) merged.address = validateNomadAddress(overrides.address, "address");
  validateTls(merged.tls);
  if (merged.timeoutMs !== undefined && (!Number.isFinite(merged.timeoutMs) || merged.timeoutMs <= 0)) {
    throw new InvalidInputError("timeoutMs: must be a positive number of milliseconds, e.g. 30000");
  }
  return merged;
}

function validateTls(tls: NomadTlsConfig | undefined): void {
  if (!tls) return;
  if ((tls.clientCert === undefined) !== (tls.clientKey === undefined)) {
    throw new InvalidInputError(
      "NOMAD_CLIENT_CERT / NOMAD_CLIENT_KEY: mTLS needs both the certificate and the key file; set both or neither",
    );
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
