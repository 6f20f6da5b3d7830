// The secret detector the job tests rely on must actually catch secrets, or "no secret-looking value" proves nothing.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} here is Nomad's own runtime interpolation, kept literally.
import { describe, expect, it } from "vitest";
import { stringLeaves } from "./support/hcl.js";
import { secretLookingLeaves } from "./support/secrets.js";

describe("secretLookingLeaves", () => {
  it("flags ACL-token UUIDs, JWTs, long random strings and literal secret-named keys", () => {
    const doc = {
      env: [
        {
          NOMAD_TOKEN: "9d1fb7c0-5a5e-4f3c-8a1e-0f6c2b7a9e11",
          X: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig",
          Y: "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5",
          api_key: "hunter2",
        },
      ],
    };
    expect(secretLookingLeaves(stringLeaves(doc))).toEqual(["env[0].NOMAD_TOKEN", "env[0].X", "env[0].Y", "env[0].api_key"]);
  });

  it("lets references, paths, digests and ordinary settings through", () => {
    const doc = {
      env: [{ AGENTKERNEL_API_KEY_FILE: "${NOMAD_SECRETS_DIR}/api_key", NOMAD_ADDR: "unix://${NOMAD_SECRETS_DIR}/api.sock" }],
      config: [{ image: "node:20@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0", args: ["serve"] }],
      template: [{ data: '{{ with nomadVar "nomad/jobs/agentkernel" }}{{ .api_key }}{{ end }}', destination: "secrets/api_key" }],
    };
    expect(secretLookingLeaves(stringLeaves(doc))).toEqual([]);
  });
});
