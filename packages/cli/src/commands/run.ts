/** `agentkernel run -- CMD ARGS...`: one-shot sandbox (warm when a pool matches), removed afterwards unless --keep. */
import { Flags } from "@oclif/core";
import { BaseCommand } from "../base-command.js";
import { runOnce } from "../services/run.js";
import { localTerminal } from "../services/terminal.js";

export default class Run extends BaseCommand<typeof Run> {
  static override summary = "Run one command in a fresh sandbox, then remove it; the exit code is passed through.";
  static override description =
    "Claims a warm sandbox when orchestrator.warm_pool_images lists the image and the backend has a pool, else creates and starts one.";
  static override strict = false;
  static override usage = "run [--backend local|nomad] [--image IMG] [--keep] [--timeout D] [--ttl D] [-i] [-t] -- CMD [ARGS...]";
  static override examples = [
    '<%= config.bin %> run -- python3 -c "print(1+1)"',
    "<%= config.bin %> run --backend nomad --image python:3.12-alpine -- python3 -c 'print(1+1)'",
    "echo hi | <%= config.bin %> run --keep --name scratch -- cat",
  ];
  static override flags = {
    image: Flags.string({ description: "image to start from (default: sandbox.base_image)" }),
    keep: Flags.boolean({ description: "keep the sandbox afterwards" }),
    name: Flags.string({ description: "sandbox name (default: run-<random>)" }),
    profile: Flags.option({ options: ["permissive", "moderate", "restrictive"] as const, description: "security profile" })(),
    network: Flags.boolean({ description: "allow outbound network (--no-network blocks it)", allowNo: true }),
    memory: Flags.integer({ description: "memory limit in MB", min: 16 }),
    env: Flags.string({ description: "environment variable K=V for the command (repeatable)", multiple: true }),
    workdir: Flags.string({ description: "working directory inside the sandbox" }),
    timeout: Flags.string({ description: "end the command after this long, e.g. 30s" }),
    ttl: Flags.string({
      description:
        "a reaper removes the sandbox after this long, even if this CLI dies (default: --timeout + 10m, else 1h; none with --keep)",
    }),
    interactive: Flags.boolean({ char: "i", description: "pass stdin even when it is a terminal" }),
    tty: Flags.boolean({ char: "t", description: "allocate a terminal" }),
  };

  async run() {
    const f = this.flags;
    const terminal = localTerminal({ interactive: f.interactive, tty: f.tty, json: this.jsonEnabled() });
    const progress = this.progress();
    let result: Awaited<ReturnType<typeof runOnce>>;
    try {
      result = await runOnce(
        await this.context(),
        {
          command: this.positionals,
          image: f.image,
          keep: f.keep,
          name: f.name,
          profile: f.profile,
          network: f.network,
          memoryMB: f.memory,
          env: f.env,
          workdir: f.workdir,
          timeout: f.timeout,
          ttl: f.ttl,
        },
        terminal.io,
        (p) => {
          progress.onProgress?.(p);
          if (p.phase === "running") progress.done();
        },
      );
    } finally {
      progress.done();
      terminal.restore();
    }
    if (this.jsonEnabled()) this.logJson({ ...result, ...terminal.captured() });
    else if (result.kept) this.logToStderr(`kept sandbox ${result.name}; remove it with: agentkernel rm --force ${result.name}`);
    this.done(result.exitCode);
  }
}
