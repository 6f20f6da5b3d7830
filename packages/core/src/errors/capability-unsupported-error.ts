/** A backend was asked for something its capabilities do not include. */
import { AgentkernelError, type AgentkernelErrorOptions } from "./agentkernel-error.js";

/** The backend does not support this operation. Code `CAPABILITY_UNSUPPORTED`. */
export class CapabilityUnsupportedError extends AgentkernelError {
  readonly capability: string;

  constructor(capability: string, options: AgentkernelErrorOptions = {}) {
    super("CAPABILITY_UNSUPPORTED", `this backend does not support ${capability}; choose a backend that declares it`, options);
    this.name = "CapabilityUnsupportedError";
    this.capability = capability;
  }

  static override isInstance(error: unknown): error is CapabilityUnsupportedError {
    return AgentkernelError.isInstance(error) && error.code === "CAPABILITY_UNSUPPORTED";
  }
}
