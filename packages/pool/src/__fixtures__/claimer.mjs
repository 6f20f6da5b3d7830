// Child process for the multi-process claim test: one independent pool client (its own Nomad client and
// provider, from the built dist) claims from a shared pool until it is empty, then prints its claims as JSON.
import { createNomadBackend, NomadClient } from "@agentkernel/backend-nomad";

const [address, prefix, concurrencyText] = process.argv.slice(2);
const pool = { key: "alpine-3-20.moderate", image: "alpine:3.20", profile: "moderate" };
const client = new NomadClient({ address });
const backend = createNomadBackend({ client });
const provider = backend.warmPool;
if (!provider) throw new Error("the Nomad backend offers no warm pool");

// Both claimers start claiming at once: say "ready" once loaded (booting node and the dist takes a while, and
// unevenly on a busy machine), then wait for the parent's "go" line.
process.stderr.write("ready\n");
await new Promise((resolve) => process.stdin.once("data", resolve));
process.stdin.pause();

const claims = [];
let next = 0;
let empty = false;
const worker = async () => {
  while (!empty) {
    const name = `${prefix}-${next++}`;
    const info = await provider.claim(pool, { name });
    if (!info) empty = true;
    else claims.push({ name, jobId: info.refs.jobId, allocId: info.refs.allocId });
  }
};
await Promise.all(Array.from({ length: Number(concurrencyText) }, worker));
await backend.close();
process.stdout.write(`${JSON.stringify(claims)}\n`);
