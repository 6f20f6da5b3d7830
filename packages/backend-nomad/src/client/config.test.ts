import { InvalidInputError } from "@agentkernel/core";
import { describe, expect, it } from "vitest";
import { nomadConfigFromEnv, parseGoBool } from "./config.js";

describe("nomadConfigFromEnv", () => {
  it("defaults to the local agent with nothing set", () => {
    expect(nomadConfigFromEnv({})).toEqual({ address: "http://127.0.0.1:4646" });
  });

  it("reads every NOMAD_* variable the CLI honours", () => {
    const config = nomadConfigFromEnv({
      NOMAD_ADDR: "https://nomad.example:4646/",
      NOMAD_TOKEN: "tok",
      NOMAD_NAMESPACE: "agentkernel",
      NOMAD_REGION: "eu",
      NOMAD_CACERT: "/ca.pem",
      NOMAD_CAPATH: "/cas",
      NOMAD_CLIENT_CERT: "/c.pem",
      NOMAD_CLIENT_KEY: "/k.pem",
      NOMAD_TLS_SERVER_NAME: "server.eu.nomad",
      NOMAD_SKIP_VERIFY: "1",
      NOMAD_HTTP_AUTH: "alice:s3:cret",
    });
    expect(config).toEqual({
      address: "https://nomad.example:4646",
      token: "tok",
      namespace: "agentkernel",
      region: "eu",
      tls: {
        caCert: "/ca.pem",
        caPath: "/cas",
        clientCert: "/c.pem",
        clientKey: "/k.pem",
        serverName: "server.eu.nomad",
        skipVerify: true,
      },
      httpAuth: { username: "alice", password: "s3:cret" },
    });
  });

  it("accepts unix:// socket addresses (Task API)", () => {
    expect(nomadConfigFromEnv({ NOMAD_ADDR: "unix:///secrets/api.sock" }).address).toBe("unix:///secrets/api.sock");
  });

  it("lets overrides (config file, flags) win over the environment", () => {
    const config = nomadConfigFromEnv(
      { NOMAD_ADDR: "http://a:4646", NOMAD_NAMESPACE: "env", NOMAD_TLS_SERVER_NAME: "x" },
      { address: "http://b:4646", namespace: "flag", tls: { skipVerify: false }, timeoutMs: 5000 },
    );
    expect(config).toEqual({
      address: "http://b:4646",
      namespace: "flag",
      tls: { serverName: "x", skipVerify: false },
      timeoutMs: 5000,
    });
  });

  it("accepts a user without password in NOMAD_HTTP_AUTH", () => {
    expect(nomadConfigFromEnv({ NOMAD_HTTP_AUTH: "bob" }).httpAuth).toEqual({ username: "bob" });
  });

  it.each([
    [{ NOMAD_ADDR: "not a url" }, /NOMAD_ADDR.*http:\/\/host:4646/],
    [{ NOMAD_ADDR: "ftp://x" }, /NOMAD_ADDR: scheme ftp: is not supported/],
    [{ NOMAD_ADDR: "unix://relative.sock" }, /NOMAD_ADDR: a unix address needs an absolute socket path/],
    [{ NOMAD_ADDR: "http://u:p@host:4646" }, /NOMAD_ADDR: do not put credentials.*NOMAD_HTTP_AUTH/],
    [{ NOMAD_SKIP_VERIFY: "yes" }, /NOMAD_SKIP_VERIFY: "yes" is not a boolean/],
    [{ NOMAD_CLIENT_CERT: "/c.pem" }, /NOMAD_CLIENT_CERT \/ NOMAD_CLIENT_KEY: mTLS needs both/],
    [{ NOMAD_HTTP_AUTH: ":pw" }, /NOMAD_HTTP_AUTH: the user name is empty/],
  ])("rejects %j with a message naming the variable and the fix", (env, message) => {
    const run = () => nomadConfigFromEnv(env);
    expect(run).toThrow(InvalidInputError);
    expect(run).toThrow(message);
  });

  it("never echoes the NOMAD_HTTP_AUTH password", () => {
    try {
      nomadConfigFromEnv({ NOMAD_HTTP_AUTH: ":hunter2" });
      expect.unreachable();
    } catch (err) {
      expect(String((err as Error).message)).not.toContain("hunter2");
    }
  });
});

describe("parseGoBool", () => {
  it("matches Go's strconv.ParseBool", () => {
    for (const v of ["1", "t", "T", "true", "TRUE", "True"]) expect(parseGoBool(v)).toBe(true);
    for (const v of ["0", "f", "F", "false", "FALSE", "False"]) expect(parseGoBool(v)).toBe(false);
    for (const v of ["yes", "tRuE", "", "2"]) expect(parseGoBool(v)).toBeUndefined();
  });
});
