// Child process that hosts the Nomad emulator, so its CPU and memory never mix with the measured client's.
import { startEmulator } from "@agentkernel/nomad-emulator";

const options = JSON.parse(process.argv[2] ?? "{}");
const nomad = await startEmulator({ port: 0, maxKillTimeoutMs: 200, ...options });

// IPC: { id, op: "stats" | "resetStats" | "inject" | "stop", arg } → { id, result | error }.
process.on("message", async (msg) => {
  try {
    let result;
    if (msg.op === "stats") result = nomad.stats();
    else if (msg.op === "resetStats") result = nomad.resetStats();
    else if (msg.op === "inject") result = nomad.inject(msg.arg);
    else if (msg.op === "stop") {
      await nomad.stop();
      process.send?.({ id: msg.id, result: null });
      process.disconnect();
      return;
    }
    process.send?.({ id: msg.id, result: result ?? null });
  } catch (err) {
    process.send?.({ id: msg.id, error: String(err?.message ?? err) });
  }
});
process.send?.({ ready: nomad.address });
