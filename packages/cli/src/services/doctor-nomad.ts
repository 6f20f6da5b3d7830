/** doctor checks for the Nomad backend: reachable, leader, token, the capabilities the commands need, driver health. */
import { AgentkernelError, type Config, hasErrorCode } from "@agentkernel/core";
import { NomadClient, nomadConfigFromEnv } from "@agentkernel/backend-nomad";
import type { DoctorCheck } from "./doctor-check.js";

function why(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Capabilities no read-only request can prove; `run -- true` exercises them for real.
const UNCHECKABLE = ["submit-job", "alloc-exec", "read-fs", "read-logs"];

/** Runs the Nomad checks in order; later checks are skipped when the API cannot be reached. */
export async function nomadChecks(config: Config, env: NodeJS.ProcessEnv): Promise<DoctorCheck[]> {
  const o = config.orchestrator;
  const namespace = o.nomad_namespace ?? "default";
  const checks: DoctorCheck[] = [];
  let client: NomadClient;
  try {
    client = new NomadClient(
      nomadConfigFromEnv(env, {
        address: o.nomad_addr,
        ...(o.nomad_token !== undefined ? { token: o.nomad_token } : {}),
        ...(o.nomad_region !== undefined ? { region: o.nomad_region } : {}),
        // Doctor wants a quick, honest answer: one try, short timeout.
        timeoutMs: 5_000,
        retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      }),
    );
  } catch (error) {
    return [{ name: "nomad settings", ok: false, detail: why(error), fix: "fix the setting named above" }];
  }
  try {
    let leader: string;
    try {
      leader = (await client.status.leader()).data;
      checks.push({ name: "nomad reachable", ok: true, detail: `${o.nomad_addr} answers /v1/status/leader` });
    } catch (error) {
      checks.push({
        name: "nomad reachable",
        ok: false,
        detail: `${o.nomad_addr}: ${why(error)}`,
        fix: "start the Nomad agent or set NOMAD_ADDR / orchestrator.nomad_addr to its address",
      });
      return checks;
    }
    checks.push(
      leader !== ""
        ? { name: "cluster leader", ok: true, detail: `leader at ${leader}` }
        : {
            name: "cluster leader",
            ok: false,
            detail: "no leader elected",
            fix: "check the servers with `nomad server members`",
          },
    );
    const token = await tokenCheck(client, checks);
    await capabilityChecks(client, namespace, token, checks);
    await driverCheck(client, o.nomad_driver, o.nomad_datacenter, checks);
    return checks;
  } finally {
    await client.close();
  }
}

/** What the token check learned: whether everything is allowed, and whether no token was sent at all. */
interface TokenKind {
  management: boolean;
  anonymous: boolean;
}

async function tokenCheck(client: NomadClient, checks: DoctorCheck[]): Promise<TokenKind> {
  try {
    const token = (await client.acl.tokenSelf()).data;
    if (token.AccessorID === "acls-disabled") {
      checks.push({ name: "token", ok: true, detail: "ACLs are disabled on this cluster; no token needed" });
      return { management: true, anonymous: false };
    }
    if (token.AccessorID === "anonymous") {
      checks.push({ name: "token", ok: true, detail: "no token set: requests use the anonymous policy" });
      return { management: false, anonymous: true };
    }
    // Name, type and policies only: the secret ID is never shown.
    const policies = token.Policies?.length ? token.Policies.join(", ") : "none";
    checks.push({ name: "token", ok: true, detail: `"${token.Name ?? ""}" (${token.Type ?? "client"}, policies: ${policies})` });
    return { management: token.Type === "management", anonymous: false };
  } catch (error) {
    if (hasErrorCode(error, "INVALID_INPUT") && /ACL support disabled/i.test(why(error))) {
      checks.push({ name: "token", ok: true, detail: "ACLs are disabled on this cluster; no token needed" });
      return { management: true, anonymous: false };
    }
    checks.push({
      name: "token",
      ok: false,
      detail: `the token was not accepted (${AgentkernelError.isInstance(error) ? error.code : "error"})`,
      fix: "set NOMAD_TOKEN to a valid, unexpired token secret",
    });
    return { management: false, anonymous: false };
  }
}

async function probe(name: string, call: () => Promise<unknown>, allowedCodes: string[], checks: DoctorCheck[], fix: string) {
  try {
    await call();
    checks.push({ name, ok: true, detail: "allowed" });
  } catch (error) {
    if (AgentkernelError.isInstance(error) && allowedCodes.includes(error.code)) {
      checks.push({ name, ok: true, detail: "allowed" });
    } else checks.push({ name, ok: false, detail: why(error), fix });
  }
}

async function capabilityChecks(client: NomadClient, namespace: string, token: TokenKind, checks: DoctorCheck[]) {
  const fix = token.anonymous
    ? `set NOMAD_TOKEN to a token whose policy grants it in namespace "${namespace}"`
    : `add it to the token's policy for namespace "${namespace}" (see deploy/ for a least-privilege policy)`;
  const management = token.management;
  await probe(`capability list-jobs (${namespace})`, () => client.jobs.list({ namespace, perPage: 1 }), [], checks, fix);
  // Reading a job that cannot exist answers 404 with read-job and 403 without: a probe with no side effects.
  await probe(
    `capability read-job (${namespace})`,
    () => client.jobs.info("agentkernel-doctor-probe", { namespace }),
    ["NOT_FOUND"],
    checks,
    fix,
  );
  checks.push(
    management
      ? { name: `capabilities ${UNCHECKABLE.join(", ")}`, ok: true, detail: "management token (or ACLs off): all allowed" }
      : {
          name: `capabilities ${UNCHECKABLE.join(", ")}`,
          ok: null,
          detail: "not checkable without creating a job",
          fix: "run `agentkernel run -- true` to exercise them",
        },
  );
}

async function driverCheck(client: NomadClient, driver: string, datacenter: string, checks: DoctorCheck[]) {
  const name = `driver ${driver} healthy`;
  try {
    const nodes = (await client.nodes.list()).data;
    const usable = nodes.filter(
      (n) =>
        n.Status === "ready" &&
        n.SchedulingEligibility === "eligible" &&
        n.Drivers?.[driver]?.Detected === true &&
        n.Drivers?.[driver]?.Healthy === true,
    );
    const inDc = usable.filter((n) => n.Datacenter === datacenter);
    if (inDc.length > 0) {
      checks.push({
        name,
        ok: true,
        detail: `${inDc.length}/${nodes.length} nodes in ${datacenter}: ${inDc.map((n) => n.Name).join(", ")}`,
      });
    } else {
      checks.push({
        name,
        ok: false,
        detail: `no ready, eligible node in ${datacenter} has ${driver} detected and healthy (${usable.length} elsewhere, ${nodes.length} nodes)`,
        fix: `enable the ${driver} driver on a client in ${datacenter}, or set orchestrator.nomad_driver / nomad_datacenter`,
      });
    }
  } catch (error) {
    checks.push({
      name,
      ok: null,
      detail: `cannot list nodes (${AgentkernelError.isInstance(error) ? error.code : "error"})`,
      fix: 'add `node { policy = "read" }` to the token\'s policy to let doctor check drivers',
    });
  }
}
