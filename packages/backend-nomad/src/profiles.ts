/** Security profiles (permissive / moderate / restrictive) mapped to the concrete hardening a Nomad task gets. */
import type { SecurityProfile } from "@agentkernel/core";

/** The hardening one profile implies; drivers turn it into their `Config` keys. */
export interface ProfileHardening {
  /** docker/exec `cap_drop = ["ALL"]`. */
  capDropAll: boolean;
  /** docker `security_opt = ["no-new-privileges"]`. */
  noNewPrivileges: boolean;
  /** docker `pids_limit`; undefined leaves Docker's default. */
  pidsLimit: number | undefined;
  /** `readOnlyRoot` when the spec does not say. */
  readOnlyRootDefault: boolean;
  /** `network` when the spec does not say. */
  networkDefault: boolean;
}

/** The table the README documents; a snapshot test pins each profile's job JSON. */
export const PROFILE_HARDENING: Readonly<Record<SecurityProfile, ProfileHardening>> = {
  permissive: {
    capDropAll: false,
    noNewPrivileges: false,
    pidsLimit: undefined,
    readOnlyRootDefault: false,
    networkDefault: true,
  },
  moderate: {
    capDropAll: true,
    noNewPrivileges: true,
    pidsLimit: 1024,
    readOnlyRootDefault: false,
    networkDefault: false,
  },
  restrictive: {
    capDropAll: true,
    noNewPrivileges: true,
    pidsLimit: 256,
    readOnlyRootDefault: true,
    networkDefault: false,
  },
};
