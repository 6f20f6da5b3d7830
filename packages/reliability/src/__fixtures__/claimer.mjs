// A separate process that fires N concurrent warm claims at one pool when told "go" (R3 without the server wiring).
// argv[2] = JSON { nomadAddr, claims, prefix }; replies { results: [{ name, refs } | { name, error }] } over IPC.
import { createNomadBackend } from "@agentkernel/backend-nomad";
import { warmProviderFor } from "./warm-provider.mjs";

const { nomadAddr, claims, prefix } = JSON.parse(process.argv[2] ?? "{}");
const backend = createNomadBackend({
  config: { address: nomadAddr },
  driver: { driver: "raw_exec", allowUnisolated: true },
  onWarning: () => undefined,
});
const { provider, close } = await warmProviderFor(backend);
const pool = { key: "alpine-3-20.moderate", image: "alpine:3.20", profile: "moderate" };
process.on("message", async (msg) => {
  if (msg !== "go") return;
  // R7 kills this process with SIGKILL while these claims are in flight.
  const results = await Promise.all(
    Array.from({ length: claims }, async (_, i) => {
      const name = `${prefix}-${i}`;
      try {
        const info = await provider.claim(pool, { name, image: pool.image, profile: pool.profile });
        return info ? { name, refs: info.refs } : { name, none: true };
      } catch (err) {
        return { name, error: `${err?.code ?? "?"}: ${String(err?.message ?? err).slice(0, 200)}` };
      }
    }),
  );
  process.send?.({ results });
  await close();
  await backend.close?.();
  process.disconnect();
});
process.send?.({ ready: true });
