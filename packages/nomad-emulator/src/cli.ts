/** Standalone entry: `pnpm nomad:emulator -- --port 4646`. Prints its address and that it is a test double. */
import { parseArgs } from "node:util";
import { startEmulator } from "./emulator.js";

// `pnpm start -- --port N` forwards a literal "--", which would end option parsing.
const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    port: { type: "string", default: "4646" },
    host: { type: "string", default: "127.0.0.1" },
    acl: { type: "boolean", default: false },
    "placement-delay-ms": { type: "string", default: "0" },
    "task-start-delay-ms": { type: "string", default: "0" },
    isolation: { type: "string" },
  },
  allowPositionals: true,
});

const isolation = values.isolation === "none" || values.isolation === "bwrap" ? values.isolation : undefined;
const nomad = await startEmulator({
  port: Number(values.port),
  host: values.host,
  acl: { enabled: values.acl },
  placementDelayMs: Number(values["placement-delay-ms"]),
  taskStartDelayMs: Number(values["task-start-delay-ms"]),
  ...(isolation ? { isolation } : {}),
});
process.stdout.write(
  [
    "nomad-emulator: a TEST DOUBLE that speaks Nomad's HTTP API. It is NOT Nomad: tasks run as local processes",
    "(bubblewrap instead of containers, images are never pulled). Do not point real workloads at it.",
    `listening on ${nomad.address}`,
    `  export NOMAD_ADDR=${nomad.address}`,
    ...(nomad.managementToken ? [`  export NOMAD_TOKEN=${nomad.managementToken}`] : []),
    "",
  ].join("\n"),
);
const shutdown = () => {
  nomad.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
