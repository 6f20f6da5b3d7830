/** The slice of @agentkernel/pool's WarmPool the server uses (a structural Pick, so tests can pass the real pool). */
import type { WarmPool } from "@agentkernel/pool";

/** What the server needs from a warm pool: acquire (warm claim or cold start), release, stats and drain. */
export type ServerPool = Pick<WarmPool, "acquire" | "release" | "stats"> & Partial<Pick<WarmPool, "drain">>;
