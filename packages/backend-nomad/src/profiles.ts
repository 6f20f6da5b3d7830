/** Security profiles (permissive / moderate / restrictive) mapped to the concrete hardening a Nomad task gets. */
import { PROFILE_DEFAULTS, type SecurityProfile } from "@agentkernel/core";

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
    readOnlyRootDefault: PROFILE_DEFAULTS.permissive.readOnlyRoot,
    networkDefault: PROFILE_DEFAULTS.permissive.network,
  },
  moderate: {
    capDropAll: true,
    noNewPrivileges: true,
    pidsLimit: 1024,
    readOnlyRootDefault: PROFILE_DEFAULTS.moderate.readOnlyRoot,
    networkDefault: PROFILE_DEFAULTS.moderate.network,
  },
  restrictive: {
    capDropAll: true,
    noNewPrivileges: true,
    pidsLimit: 256,
    readOnlyRootDefault: PROFILE_DEFAULTS.restrictive.readOnlyRoot,
    networkDefault: PROFILE_DEFAULTS.restrictive.network,
  },
};
