// The published conformance suite against the Nomad backend: the emulator (docker and exec drivers), or a real agent when NOMAD_ADDR is set.
import { testBackend } from "@agentkernel/backend-conformance";
import { startEmulator } from "@agentkernel/nomad-emulator";
import { describe } from "vitest";
import { createNomadBackend } from "./nomad-backend.js";

const realAgent = process.env.NOMAD_ADDR;

describe.runIf(!realAgent)("against the nomad emulator", () => {
  for (const driver of ["docker", "exec"] as const) {
    testBackend({
      name: `nomad (${driver}, emulator)`,
      create: async () => {
        const nomad = await startEmulator({ port: 0, maxKillTimeoutMs: 200 });
        const backend = createNomadBackend({
          config: { address: nomad.address },
          env: {},
          driver: { driver },
          blockingWaitMs: 5_000,
          startTimeoutMs: 30_000,
        });
        return {
          backend,
          cleanup: async () => {
            await backend.close?.();
            await nomad.stop();
          },
        };
      },
    });
  }
});

// `pnpm test:nomad` with NOMAD_ADDR (and NOMAD_TOKEN …) pointing at e.g. `nomad agent -dev` with docker.
describe.runIf(realAgent)("against the real Nomad agent at NOMAD_ADDR", () => {
  testBackend({
    name: "nomad (docker, real agent)",
    create: async () => createNomadBackend({ driver: { driver: "docker" } }),
    spec: { image: process.env.AGENTKERNEL_TEST_IMAGE ?? "alpine:3.20" },
    timeoutMs: 180_000,
  });
});
