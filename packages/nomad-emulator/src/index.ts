/** @agentkernel/nomad-emulator: a test double that speaks Nomad's HTTP API and runs tasks as real processes. Not Nomad. */
export type { AclToken, PolicyRule, VariableRule } from "./acl.js";
export { type Emulator, startEmulator } from "./emulator.js";
export type { ClientFaults, EmulatorAlloc, EmulatorContext } from "./emulator-context.js";
export type { Fault } from "./faults.js";
export { EMULATED_VERSION, type AclOptions, type EmulatorOptions, type NodeOptions } from "./options.js";
