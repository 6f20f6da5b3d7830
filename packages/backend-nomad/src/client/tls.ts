// Turns NomadTlsConfig file paths into the in-memory options undici and ws expect, once per client.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { InvalidInputError } from "@agentkernel/core";
import type { NomadTlsConfig } from "./config.js";

/** TLS options shared by undici's `connect` and ws's https options. */
export interface ResolvedTls {
  ca?: string[];
  cert?: string;
  key?: string;
  servername?: string;
  rejectUnauthorized: boolean;
  minVersion: "TLSv1.2";
}

function readPem(path: string, field: string, variable: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new InvalidInputError(
      `${field} (${variable}): cannot read ${JSON.stringify(path)} (${code}); give a readable PEM file`,
    );
  }
}

function readCaDir(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new InvalidInputError(`tls.caPath (NOMAD_CAPATH): cannot read directory ${JSON.stringify(dir)} (${code})`);
  }
  const pems = names
    .map((name) => join(dir, name))
    .filter((path) => statSync(path, { throwIfNoEntry: false })?.isFile() === true)
    .map((path) => readPem(path, "tls.caPath", "NOMAD_CAPATH"));
  if (pems.length === 0) {
    throw new InvalidInputError(`tls.caPath (NOMAD_CAPATH): ${JSON.stringify(dir)} holds no certificate files`);
  }
  return pems;
}

/** Reads the CA, client certificate and key files. Nomad requires TLS ≥ 1.2. */
export function resolveTls(tls: NomadTlsConfig | undefined): ResolvedTls {
  const out: ResolvedTls = { rejectUnauthorized: tls?.skipVerify !== true, minVersion: "TLSv1.2" };
  if (!tls) return out;
  const ca: string[] = [];
  if (tls.caCert) ca.push(readPem(tls.caCert, "tls.caCert", "NOMAD_CACERT"));
  if (tls.caPath) ca.push(...readCaDir(tls.caPath));
  if (ca.length > 0) out.ca = ca;
  if (tls.clientCert) out.cert = readPem(tls.clientCert, "tls.clientCert", "NOMAD_CLIENT_CERT");
  if (tls.clientKey) out.key = readPem(tls.clientKey, "tls.clientKey", "NOMAD_CLIENT_KEY");
  if (tls.serverName) out.servername = tls.serverName;
  return out;
}
