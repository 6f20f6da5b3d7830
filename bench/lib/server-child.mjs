// Child process that runs the agentkernel server on a Nomad backend (emulator), so load generation runs apart from it.
import { createNomadBackend } from "@agentkernel/backend-nomad";
import { startServer } from "@agentkernel/server";

const { nomadAddr, apiKey } = JSON.parse(process.argv[2] ?? "{}");
const backend = createNomadBackend({
  config: { address: nomadAddr },
  driver: { driver: "raw_exec", allowUnisolated: true },
  onWarning: () => undefined,
});
const server = await startServer({ backend, port: 0, apiKey, shutdownOn: ["SIGTERM"] });
process.send?.({ ready: server.url });
await server.closed;
await backend.close?.();
process.exit(0);
