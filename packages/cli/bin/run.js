#!/usr/bin/env node
// The `agentkernel` executable: hands argv to oclif, which loads the compiled commands from dist/commands.
import { existsSync } from "node:fs";
import { execute } from "@oclif/core";

if (!existsSync(new URL("../dist/commands", import.meta.url))) {
  process.stderr.write("agentkernel: the CLI is not built; run `pnpm --filter @agentkernel/cli... build` first [INTERNAL]\n");
  process.exit(70);
}
// A reader that goes away (`agentkernel ls | head -1`) is not an error: exec ends its remote command itself.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code !== "EPIPE") throw error;
  });
}
await execute({ dir: import.meta.url });
// Exit as soon as the command is done: a keep-alive socket or a paused stdin must not hold the process open.
process.exit(process.exitCode ?? 0);
