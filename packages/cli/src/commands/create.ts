/** `agentkernel create NAME`: defines a sandbox on the chosen backend without starting it. */
import { Args, Flags } from "@oclif/core";
import { BaseCommand } from "../base-command.js";
import { createSandbox } from "../services/lifecycle.js";
import { parseVcpus } from "../services/parse-input.js";

export default class Create extends BaseCommand<typeof Create> {
  static override summary = "Create a sandbox (not started).";
  static override examples = [
    "<%= config.bin %> create my-sandbox --backend nomad --image alpine:3.20",
    "<%= config.bin %> create job-42 --vcpus 2 --memory 1024 --env MODE=test --label team=ml --ttl 1h",
    "<%= config.bin %> create scratch --profile restrictive --no-network --read-only",
  ];
  static override args = { name: Args.string({ required: true, description: "sandbox name (a-z, 0-9, -)" }) };
  static override flags = {
    image: Flags.string({ description: "image to start from (default: sandbox.base_image)" }),
    vcpus: Flags.custom<number>({ description: "virtual CPUs, e.g. 2 or 0.5", parse: parseVcpus, exclusive: ["cpu"] })(),
    cpu: Flags.integer({ description: "CPU in MHz (Nomad cpu)", min: 1, exclusive: ["vcpus"] }),
    memory: Flags.integer({ description: "memory limit in MB", min: 16 }),
    profile: Flags.option({ options: ["permissive", "moderate", "restrictive"] as const, description: "security profile" })(),
    network: Flags.boolean({ description: "allow outbound network (--no-network blocks it)", allowNo: true }),
    "read-only": Flags.boolean({ description: "read-only root filesystem" }),
    env: Flags.string({ description: "environment variable K=V (repeatable)", multiple: true }),
    label: Flags.string({ description: "label K=V (repeatable)", multiple: true }),
    ttl: Flags.string({ description: "remove after this long, e.g. 1h, 30m" }),
  };

  async run() {
    const f = this.flags;
    const info = await createSandbox(await this.context(), {
      name: this.args.name,
      image: f.image,
      vcpus: f.vcpus,
      cpuMHz: f.cpu,
      memoryMB: f.memory,
      profile: f.profile,
      network: f.network,
      readOnly: f["read-only"] ? true : undefined,
      env: f.env,
      labels: f.label,
      ttl: f.ttl,
    });
    this.log(
      `created sandbox ${info.name} on ${info.backend} (${info.image ?? "default image"}); start it with: agentkernel start ${info.name}`,
    );
    return info;
  }
}
