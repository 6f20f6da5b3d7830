/** Nomad-style globs (datacenters, ACL namespaces and variable paths): `*` matches anything, `/` included. */

/** Compiles a glob to an anchored RegExp; every character but `*` matches itself. */
export function globRe(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
}
