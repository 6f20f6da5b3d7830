// The Nomad warm-pool provider for a backend: `backend.warmPool` once backend-nomad wires it, else built from its dist.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { NomadClient } from "@agentkernel/backend-nomad";

const require = createRequire(import.meta.url);
const DIST = join(dirname(require.resolve("@agentkernel/backend-nomad/package.json")), "dist");

/**
 * TEMPORARY (contract gap, reported): createNomadBackend does not expose `warmPool` yet, and the provider is not
 * exported from the package, so until the wiring lands this builds it from the built files, as the pool's own
 * test harness does from source.
 */
export async function warmProviderFor(backend, nomadAddr, token) {
  if (backend.warmPool) return { provider: backend.warmPool, close: async () => undefined };
  const { resolveOptions } = await import(pathToFileURL(join(DIST, "nomad-backend-options.js")).href);
  const { createNomadWarmPool, NameRecords } = await import(pathToFileURL(join(DIST, "warm-pool", "index.js")).href);
  const client = new NomadClient({ address: nomadAddr, ...(token ? { token } : {}) });
  const { settings } = resolveOptions({ driver: { driver: "raw_exec", allowUnisolated: true }, onWarning: () => undefined }, {});
  const provider = createNomadWarmPool({
    client: () => client,
    namespace: undefined,
    settings,
    names: new NameRecords(() => client, undefined),
  });
  return {
    provider,
    close: async () => {
      await provider.close?.();
      await client.close();
    },
  };
}
