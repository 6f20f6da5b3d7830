// The Nomad API client: one object holding the shared transport and one accessor per resource, like Go's api.Client.
import { Acl } from "./acl.js";
import { Agent } from "./agent.js";
import { Allocations } from "./allocations.js";
import { type NomadClientConfig, validateNomadAddress } from "./config.js";
import { Evaluations } from "./evaluations.js";
import { Events } from "./events.js";
import { Exec } from "./exec.js";
import { Fs } from "./fs.js";
import { Transport } from "./http.js";
import { Jobs } from "./jobs.js";
import { Nodes } from "./nodes.js";
import { Status } from "./status.js";
import { Variables } from "./variables.js";

export type { QueryMeta, QueryOptions, QueryResponse, WriteOptions, WriteResponse } from "./params.js";

/**
 * Talks to one Nomad agent over HTTP (keep-alive pool) and WebSocket (exec). Every call has a timeout,
 * honours an AbortSignal and throws core errors; the token travels only in headers.
 */
export class NomadClient {
  readonly jobs: Jobs;
  readonly allocations: Allocations;
  readonly evaluations: Evaluations;
  readonly variables: Variables;
  readonly events: Events;
  readonly exec: Exec;
  readonly fs: Fs;
  readonly agent: Agent;
  readonly status: Status;
  readonly nodes: Nodes;
  readonly acl: Acl;
  /** The configured namespace and region (applied to every request unless a call overrides them). */
  readonly namespace: string | undefined;
  readonly region: string | undefined;
  readonly #transport: Transport;

  /** Reads TLS files at once, so a bad path fails here with an InvalidInputError naming the setting. */
  constructor(config: NomadClientConfig) {
    const transport = new Transport({ ...config, address: validateNomadAddress(config.address, "address") });
    this.#transport = transport;
    this.namespace = config.namespace;
    this.region = config.region;
    this.jobs = new Jobs(transport);
    this.allocations = new Allocations(transport);
    this.evaluations = new Evaluations(transport);
    this.variables = new Variables(transport);
    this.events = new Events(transport);
    this.exec = new Exec(transport);
    this.fs = new Fs(transport);
    this.agent = new Agent(transport);
    this.status = new Status(transport);
    this.nodes = new Nodes(transport);
    this.acl = new Acl(transport);
  }

  /** Closes pooled connections and open exec sessions; open streams end. */
  close(): Promise<void> {
    this.exec.closeAll();
    return this.#transport.close();
  }
}
