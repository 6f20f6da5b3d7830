/** redactConfig masks the token and API key, keeps everything else, and leaves the input untouched. */
import { describe, expect, it } from "vitest";
import { REDACTED, redactConfig } from "./redact.js";
import { configSchema } from "./schema.js";

describe("redactConfig", () => {
  it("replaces nomad_token and api_key, and only them", () => {
    const config = configSchema.parse({
      orchestrator: { provider: "nomad", nomad_token: "s.secret-token" },
      server: { api_key: "k-secret", port: 1 },
    });
    const shown = redactConfig(config);
    expect(shown.orchestrator.nomad_token).toBe(REDACTED);
    expect(shown.server.api_key).toBe(REDACTED);
    expect(JSON.stringify(shown)).not.toMatch(/secret/);
    expect({
      ...shown,
      orchestrator: { ...shown.orchestrator, nomad_token: "s.secret-token" },
      server: { ...shown.server, api_key: "k-secret" },
    }).toEqual(config);
    expect(config.orchestrator.nomad_token).toBe("s.secret-token");
  });

  it("leaves unset secrets unset, so `config show` still tells 'no token' apart from 'a token'", () => {
    const shown = redactConfig(configSchema.parse({ server: { api_key_file: "/run/secrets/key" } }));
    expect(shown.orchestrator.nomad_token).toBeUndefined();
    expect(shown.server.api_key).toBeUndefined();
    expect(shown.server.api_key_file).toBe("/run/secrets/key");
  });
});
