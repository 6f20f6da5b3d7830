// Body shapes the resources expect from Nomad: the JSON kind plus the key fields the backend dereferences.
import type { BodyShape } from "./response.js";

/** Any JSON object (write answers and reads whose fields the backend does not dereference). */
export const OBJECT: BodyShape = { kind: "object" };

/** A job (`/v1/job/:id`); list stubs share these fields. */
export const JOB: BodyShape = {
  kind: "object",
  fields: { ID: "string", Status: "string", Stop: "boolean", ModifyIndex: "number", JobModifyIndex: "number", Meta: "object" },
};

/** A list of allocation stubs; `allocations.info` checks the same fields on its one object. */
export const ALLOC_STUB: BodyShape = {
  kind: "array",
  fields: {
    ID: "string",
    EvalID: "string",
    ClientStatus: "string",
    DesiredStatus: "string",
    CreateIndex: "number",
    TaskStates: "object",
  },
};

/** An evaluation (`/v1/evaluation/:id`); `jobs.evaluations` lists them. */
export const EVALUATION: BodyShape = {
  kind: "object",
  fields: { ID: "string", Status: "string", FailedTGAllocs: "object" },
};

/** A variable (read, write, lock calls) or its metadata. */
export const VARIABLE: BodyShape = { kind: "object", fields: { Path: "string", ModifyIndex: "number", Items: "object" } };
