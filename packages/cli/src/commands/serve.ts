/** `agentkernel serve`: the HTTP API on server.host:server.port (default 127.0.0.1:18888) until SIGTERM or Ctrl-C. */
import { Flags } from "@oclif/core";
import { BaseCommand } from "../base-command.js";

export default class Serve extends BaseCommand<typeof Serve> {
  static override summary = "Serve the HTTP API until SIGTERM or Ctrl-C (graceful: in-flight commands finish first).";
  static override description =
    "Every route but /health needs AGENTKERNEL_API_KEY (or AGENTKERNEL_API_KEY_FILE) when set; binding to a non-loopback address without a key is refused unless --insecure-no-auth is given.";
  static override enableJsonFlag = false;
  static override examples = [
    "<%= config.bin %> serve",
    "AGENTKERNEL_API_KEY_FILE=/secrets/key <%= config.bin %> serve --host 0.0.0.0 --port 18888 --backend nomad",
  ];
  static override flags = {
    host: Flags.string({ description: "address to bind (default: server.host, 127.0.0.1)" }),
    port: Flags.integer({ description: "TCP port (default: server.port, 18888; 0 picks a free one)", min: 0, max: 65_535 }),
    "insecure-no-auth": Flags.boolean({
      description: "allow a non-loopback bind without an API key (only behind a proxy that authenticates)",
    }),
  };

  async run(): Promise<void> {
    const ctx = await this.context();
    // Loaded here, not at the top: hono & co. stay out of every other command's startup.
    const { startServerFromConfig } = await import("@agentkernel/server");
    const server = await startServerFromConfig({
      config: ctx.config,
      backend: await ctx.backend(ctx.defaultBackend),
      host: this.flags.host,
      port: this.flags.port,
      insecureNoAuth: this.flags["insecure-no-auth"],
      shutdownOn: ["SIGTERM", "SIGINT"],
    });
    this.logToStderr(`agentkernel: serving ${ctx.defaultBackend} sandboxes on ${server.url}`);
    await server.closed;
  }
}
