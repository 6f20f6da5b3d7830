/** Maps method + decoded path to a handler and a stats label; job IDs are routed on their suffix. */
import { tokenSelf } from "./routes/acl.js";
import { agentHealth, agentSelf, listNodes, readNode, statusLeader, statusPeers } from "./routes/agent.js";
import { listAllocs, readAlloc, stopAlloc } from "./routes/allocations.js";
import { evalAllocations, listEvals, readEval } from "./routes/evaluations.js";
import { eventStream } from "./routes/events.js";
import { dispatchJob } from "./routes/job-dispatch.js";
import { deregisterJob, jobAllocations, jobEvaluations, jobSummaryRoute, listJobs, readJob, registerJob } from "./routes/jobs.js";
import { deleteVar, listVars, readVar, writeVar } from "./routes/variables.js";
import type { Call } from "./route-context.js";

type Handler = (c: Call) => Promise<void> | void;
type Verb = "GET" | "WRITE" | "DELETE";

/** A matched route. */
export interface RouteMatch {
  label: string;
  handler: Handler;
  /** Reads carry X-Nomad-* headers and may be served stale. */
  read: boolean;
  param: string;
  /** Served without a leader (status, health, agent). */
  leaderless?: boolean;
}

/** Route outcome: a match, a 405, or nothing (404). */
export type RouteResult = RouteMatch | { invalidMethod: true } | undefined;

const verbOf = (m: string): Verb | undefined =>
  m === "GET" ? "GET" : m === "PUT" || m === "POST" ? "WRITE" : m === "DELETE" ? "DELETE" : undefined;

function pick(
  method: string,
  pattern: string,
  param: string,
  table: Partial<Record<Verb, Handler>>,
  leaderless = false,
): RouteResult {
  const verb = verbOf(method);
  const handler = verb ? table[verb] : undefined;
  if (!handler) return { invalidMethod: true };
  return { label: `${method} ${pattern}`, handler, read: verb === "GET", param, ...(leaderless ? { leaderless } : {}) };
}

const JOB_SUFFIXES: Array<[string, string, Partial<Record<Verb, Handler>>]> = [
  ["/dispatch/payload", "/v1/job/:id/dispatch/payload", { WRITE: (c) => dispatchJob(c, true) }],
  ["/dispatch", "/v1/job/:id/dispatch", { WRITE: (c) => dispatchJob(c) }],
  ["/allocations", "/v1/job/:id/allocations", { GET: jobAllocations }],
  ["/evaluations", "/v1/job/:id/evaluations", { GET: jobEvaluations }],
  ["/summary", "/v1/job/:id/summary", { GET: jobSummaryRoute }],
];

/** Resolves a request. `path` is already percent-decoded, as Go's URL.Path is. */
export function route(method: string, path: string): RouteResult {
  switch (path) {
    case "/v1/jobs":
      return pick(method, path, "", { GET: listJobs, WRITE: (c) => registerJob(c) });
    case "/v1/allocations":
      return pick(method, path, "", { GET: listAllocs });
    case "/v1/evaluations":
      return pick(method, path, "", { GET: listEvals });
    case "/v1/vars":
      return pick(method, path, "", { GET: listVars });
    case "/v1/event/stream":
      return pick(method, path, "", { GET: eventStream });
    case "/v1/acl/token/self":
      return pick(method, path, "", { GET: tokenSelf });
    case "/v1/agent/self":
      return pick(method, path, "", { GET: agentSelf }, true);
    case "/v1/agent/health":
      return pick(method, path, "", { GET: agentHealth }, true);
    case "/v1/status/leader":
      return pick(method, path, "", { GET: statusLeader }, true);
    case "/v1/status/peers":
      return pick(method, path, "", { GET: statusPeers }, true);
    case "/v1/nodes":
      return pick(method, path, "", { GET: listNodes });
  }
  if (path.startsWith("/v1/job/")) {
    const rest = path.slice("/v1/job/".length);
    for (const [suffix, pattern, table] of JOB_SUFFIXES) {
      if (rest.endsWith(suffix) && rest.length > suffix.length)
        return pick(method, pattern, rest.slice(0, -suffix.length), table);
    }
    if (rest === "") return undefined;
    return pick(method, "/v1/job/:id", rest, { GET: readJob, WRITE: (c) => registerJob(c, rest), DELETE: deregisterJob });
  }
  if (path.startsWith("/v1/allocation/")) {
    const rest = path.slice("/v1/allocation/".length);
    if (rest.endsWith("/stop")) return pick(method, "/v1/allocation/:id/stop", rest.slice(0, -5), { WRITE: stopAlloc });
    if (rest.includes("/")) return undefined;
    return pick(method, "/v1/allocation/:id", rest, { GET: readAlloc });
  }
  if (path.startsWith("/v1/evaluation/")) {
    const rest = path.slice("/v1/evaluation/".length);
    if (rest.endsWith("/allocations"))
      return pick(method, "/v1/evaluation/:id/allocations", rest.slice(0, -12), { GET: evalAllocations });
    return pick(method, "/v1/evaluation/:id", rest, { GET: readEval });
  }
  if (path.startsWith("/v1/var/")) {
    return pick(method, "/v1/var/:path", path.slice("/v1/var/".length), { GET: readVar, WRITE: writeVar, DELETE: deleteVar });
  }
  if (path.startsWith("/v1/node/")) {
    return pick(method, "/v1/node/:id", path.slice("/v1/node/".length), { GET: readNode });
  }
  return undefined;
}
