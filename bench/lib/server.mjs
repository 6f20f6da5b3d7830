// Starts server-child.mjs and waits for its URL; stop() sends SIGTERM (graceful shutdown) and waits for exit.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./server-child.mjs", import.meta.url));

/** Starts a server child on `nomadAddr` with `apiKey`; its JSON log lines are discarded (LOG_LEVEL=warn). */
export async function startServerChild({ nomadAddr, apiKey }) {
  const child = fork(CHILD, [JSON.stringify({ nomadAddr, apiKey })], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    env: { ...process.env, LOG_LEVEL: "warn" },
  });
  const url = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server child exited with ${code} before listening`)));
    child.on("message", (m) => m.ready && resolve(m.ready));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}
