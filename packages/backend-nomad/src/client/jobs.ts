// /v1/jobs and /v1/job/:id: register (with check-and-set), read, list, stop/purge, dispatch, and a job's allocs and evals.
import type { Transport } from "./http.js";
import type { QueryOptions, QueryResponse, WriteOptions, WriteResponse } from "./params.js";
import { seg } from "./params.js";
import { query, write } from "./request.js";
import { ALLOC_STUB, EVALUATION, JOB, OBJECT } from "./shapes.js";
import type { AllocationListStub, Evaluation, JobInfo, JobListStub, JobSummary, NomadJob } from "./types.js";

/** Body of a register answer. `EvalID` is "" for periodic and parameterized jobs. */
export interface JobRegisterResponse {
  EvalID: string;
  EvalCreateIndex: number;
  JobModifyIndex: number;
  Warnings: string;
}

/** Body of a stop/purge answer. Stopping a job that does not exist succeeds with `EvalID: ""`. */
export interface JobDeregisterResponse {
  EvalID: string;
  EvalCreateIndex?: number;
  JobModifyIndex: number;
}

/** Body of a dispatch answer. `DispatchedJobID` looks like `<parent>/dispatch-<unix>-<8hex>`. */
export interface JobDispatchResponse {
  DispatchedJobID: string;
  EvalID: string;
  EvalCreateIndex?: number;
  JobCreateIndex?: number;
}

/** Options of `register`: `enforceIndex` with `jobModifyIndex: 0` means "only if the job is new". */
export type RegisterOptions = WriteOptions & { enforceIndex?: boolean; jobModifyIndex?: number };

/** What to dispatch: meta, an optional payload (≤ 16 KiB) and an ID prefix template. */
export interface DispatchBody {
  meta?: Record<string, string>;
  payload?: Uint8Array;
  idPrefixTemplate?: string;
}

/** Job endpoints, named after Nomad's Go `api.Jobs`. */
export class Jobs {
  readonly #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** Registers (creates or updates) a job. Needs `submit-job`. A lost check-and-set is a ConflictError. */
  register(job: NomadJob, opts: RegisterOptions = {}): Promise<WriteResponse<JobRegisterResponse>> {
    const body: Record<string, unknown> = { Job: job };
    if (opts.enforceIndex) {
      body.EnforceIndex = true;
      body.JobModifyIndex = opts.jobModifyIndex ?? 0;
    }
    // Query namespace beats the body's: default it to the job's own so a job is never filed elsewhere by accident.
    const scoped = { ...opts, namespace: opts.namespace ?? job.Namespace };
    return write(
      this.#t,
      { method: "PUT", path: "/v1/jobs", body },
      scoped,
      {
        action: `register job ${job.ID}`,
        capability: "submit-job",
        resource: `job "${job.ID}"`,
      },
      { kind: "object", fields: { EvalID: "string", JobModifyIndex: "number" } },
    );
  }

  /** Reads a job with its server fields. Missing → NotFoundError. Needs `read-job`. */
  info(id: string, q: QueryOptions = {}): Promise<QueryResponse<JobInfo>> {
    return query(
      this.#t,
      `/v1/job/${seg(id)}`,
      q,
      {
        action: `read job ${id}`,
        capability: "read-job",
        resource: `job "${id}"`,
      },
      JOB,
    );
  }

  /** One page of jobs; `meta.nextToken` is set when another page exists. `meta: true` adds each job's Meta. */
  list(q: QueryOptions & { meta?: boolean } = {}): Promise<QueryResponse<JobListStub[]>> {
    const params = { ...q.params };
    if (q.meta) params.meta = "true";
    return query(
      this.#t,
      "/v1/jobs",
      { ...q, params },
      { action: "list jobs", capability: "list-jobs" },
      { kind: "array", fields: JOB.fields },
    );
  }

  /** Every job across pages, one request per page (`perPage` sets the page size). */
  async *listAll(q: QueryOptions & { meta?: boolean } = {}): AsyncIterable<JobListStub> {
    let nextToken = q.nextToken;
    do {
      const page = await this.list({ ...q, nextToken });
      yield* page.data;
      nextToken = page.meta.nextToken;
    } while (nextToken);
  }

  /** Stops a job (kept, restartable by re-registering) or with `purge` removes it. Idempotent with purge. */
  deregister(id: string, opts: WriteOptions & { purge?: boolean } = {}): Promise<WriteResponse<JobDeregisterResponse>> {
    const params = new URLSearchParams();
    if (opts.purge) params.set("purge", "true");
    return write(
      this.#t,
      { method: "DELETE", path: `/v1/job/${seg(id)}`, params, idempotent: opts.purge === true },
      opts,
      {
        action: `${opts.purge ? "purge" : "stop"} job ${id}`,
        capability: "submit-job",
        resource: `job "${id}"`,
      },
      { kind: "object", fields: { EvalID: "string", JobModifyIndex: "number" } },
    );
  }

  /** Dispatches a parameterized job. With `idempotencyToken` a retry returns the same child, so it is retried. */
  dispatch(
    id: string,
    body: DispatchBody,
    opts: WriteOptions & { idempotencyToken?: string } = {},
  ): Promise<WriteResponse<JobDispatchResponse>> {
    const params = new URLSearchParams();
    if (opts.idempotencyToken) params.set("idempotency_token", opts.idempotencyToken);
    const json: Record<string, unknown> = {};
    if (body.meta) json.Meta = body.meta;
    if (body.payload) json.Payload = Buffer.from(body.payload).toString("base64");
    if (body.idPrefixTemplate) json.IdPrefixTemplate = body.idPrefixTemplate;
    return write(
      this.#t,
      { method: "PUT", path: `/v1/job/${seg(id)}/dispatch`, body: json, params, idempotent: opts.idempotencyToken !== undefined },
      opts,
      { action: `dispatch job ${id}`, capability: "dispatch-job", resource: `parameterized job "${id}"` },
      { kind: "object", fields: { DispatchedJobID: "string", EvalID: "string" } },
    );
  }

  /** The job's allocation stubs (`[]` for an unknown job). `params: { all: "true" }` includes earlier instances. */
  allocations(id: string, q: QueryOptions = {}): Promise<QueryResponse<AllocationListStub[]>> {
    return query(
      this.#t,
      `/v1/job/${seg(id)}/allocations`,
      q,
      {
        action: `list allocations of job ${id}`,
        capability: "read-job",
      },
      ALLOC_STUB,
    );
  }

  /** The job's evaluations, full objects including FailedTGAllocs. */
  evaluations(id: string, q: QueryOptions = {}): Promise<QueryResponse<Evaluation[]>> {
    return query(
      this.#t,
      `/v1/job/${seg(id)}/evaluations`,
      q,
      {
        action: `list evaluations of job ${id}`,
        capability: "read-job",
      },
      { kind: "array", fields: EVALUATION.fields },
    );
  }

  /** Per-group counts (queued, running, failed…). Missing → NotFoundError. */
  summary(id: string, q: QueryOptions = {}): Promise<QueryResponse<JobSummary>> {
    return query(
      this.#t,
      `/v1/job/${seg(id)}/summary`,
      q,
      {
        action: `read summary of job ${id}`,
        capability: "read-job",
        resource: `job "${id}"`,
      },
      OBJECT,
    );
  }
}
