// Nomad JSON shapes in API casing (PascalCase Go field names), as documented in shared/nomad-api/REFERENCE.md.
export type * from "./types-allocations.js";
export type * from "./types-cluster.js";
export type * from "./types-jobs.js";
