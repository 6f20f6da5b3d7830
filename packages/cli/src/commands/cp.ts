/** `agentkernel cp SRC DEST`: copies a file into or out of a sandbox (`NAME:/path` on one side), streaming. */
import { Args } from "@oclif/core";
import { BaseCommand } from "../base-command.js";
import { copyFiles } from "../services/cp.js";

export default class Cp extends BaseCommand<typeof Cp> {
  static override summary = "Copy a file between this machine and a sandbox (binary-safe, any size).";
  static override examples = [
    "<%= config.bin %> cp ./model.bin my-sandbox:/tmp/model.bin",
    "<%= config.bin %> cp my-sandbox:/tmp/out.tar.gz ./out.tar.gz",
    "<%= config.bin %> cp my-sandbox:/etc/os-release -",
    "tar c src | <%= config.bin %> cp - my-sandbox:/tmp/src.tar",
  ];
  static override args = {
    src: Args.string({ required: true, description: "source: a local path, NAME:/path, or - for stdin" }),
    dest: Args.string({ required: true, description: "destination: a local path, NAME:/path, or - for stdout" }),
  };

  async run() {
    const result = await copyFiles(await this.context(), this.args.src, this.args.dest, {
      stdin: process.stdin,
      stdout: process.stdout,
    });
    if (result.to !== "-") this.logToStderr(`copied ${result.bytes} bytes to ${result.to}`);
    return result;
  }
}
