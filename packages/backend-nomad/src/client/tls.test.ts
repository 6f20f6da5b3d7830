import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { BackendUnavailableError, InvalidInputError } from "@agentkernel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { NomadClient } from "./nomad-client.js";

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

let dir = "";
let server: Server;
let wss: WebSocketServer;
let address = "";
const seenClientCerts: string[] = [];
const file = (name: string) => join(dir, name);

/** A CA, a server cert for server.global.nomad (as Nomad issues them) and a client cert, all from openssl. */
function makeCerts(): void {
  const ssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  ssl("req", "-x509", ...ec, "-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "1", "-subj", "/CN=test-ca");
  for (const [name, dns] of [
    ["server", "server.global.nomad"],
    ["client", "client.global.nomad"],
  ] as const) {
    writeFileSync(file(`${name}.ext`), `subjectAltName=DNS:${dns}\n`);
    ssl("req", ...ec, "-keyout", file(`${name}.key`), "-out", file(`${name}.csr`), "-subj", `/CN=${dns}`);
    ssl(
      "x509",
      "-req",
      "-in",
      file(`${name}.csr`),
      "-CA",
      file("ca.pem"),
      "-CAkey",
      file("ca.key"),
      "-CAcreateserial",
      "-out",
      file(`${name}.pem`),
      "-days",
      "1",
      "-extfile",
      file(`${name}.ext`),
    );
  }
  mkdirSync(file("cadir"));
  execFileSync("cp", [file("ca.pem"), file("cadir/ca.pem")]);
}

describe.runIf(hasOpenssl())("TLS and mTLS (NOMAD_CACERT, NOMAD_CLIENT_CERT, NOMAD_TLS_SERVER_NAME)", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ak-nomad-tls-"));
    makeCerts();
    server = createServer(
      {
        key: readFileSync(file("server.key")),
        cert: readFileSync(file("server.pem")),
        ca: readFileSync(file("ca.pem")),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        seenClientCerts.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? ""));
        res.writeHead(200, { "content-type": "application/json", "x-nomad-index": "1" });
        res.end(JSON.stringify("10.0.0.1:4647"));
      },
    );
    wss = new WebSocketServer({ server });
    wss.on("connection", (ws) => ws.send(JSON.stringify({ exited: true, result: { exit_code: 4 } })));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    address = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 30_000);

  afterAll(async () => {
    wss?.close();
    server?.closeAllConnections();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const mtls = () => ({ clientCert: file("client.pem"), clientKey: file("client.key") });

  it("verifies the server against the CA under its Nomad server name and presents the client cert", async () => {
    const client = new NomadClient({ address, tls: { caCert: file("ca.pem"), serverName: "server.global.nomad", ...mtls() } });
    try {
      expect((await client.status.leader()).data).toBe("10.0.0.1:4647");
      expect(seenClientCerts.at(-1)).toBe("client.global.nomad");
    } finally {
      await client.close();
    }
  });

  it("accepts a CA directory (NOMAD_CAPATH) and runs exec over wss with the same settings", async () => {
    const client = new NomadClient({ address, tls: { caPath: file("cadir"), serverName: "server.global.nomad", ...mtls() } });
    try {
      const session = await client.exec.start("3f9c2a71-8e4d-b6a0-5c17-d24e9b80f613", { task: "main", command: ["true"] });
      expect(await session.exitCode).toBe(4);
    } finally {
      await client.close();
    }
  });

  it("refuses a certificate whose name does not match, unless skipVerify is set", async () => {
    const strict = new NomadClient({
      address,
      tls: { caCert: file("ca.pem"), ...mtls() },
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const loose = new NomadClient({ address, tls: { skipVerify: true, ...mtls() } });
    try {
      const err = await strict.status.leader().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackendUnavailableError);
      expect((err as Error).message).toMatch(/TLS verification failed \(ERR_TLS_CERT_ALTNAME_INVALID\).*NOMAD_TLS_SERVER_NAME/);
      expect((await loose.status.leader()).data).toBe("10.0.0.1:4647");
    } finally {
      await strict.close();
      await loose.close();
    }
  });

  it("names the setting when a TLS file cannot be read", () => {
    const make = () => new NomadClient({ address, tls: { caCert: file("missing.pem") } });
    expect(make).toThrow(InvalidInputError);
    expect(make).toThrow(/tls.caCert \(NOMAD_CACERT\): cannot read .*ENOENT/);
  });
});
