/** The backend (Nomad, bubblewrap…) cannot be reached or is not installed. */
import { AgentkernelError, type AgentkernelErrorOptions } from "./agentkernel-error.js";

/** The backend (Nomad, bubblewrap…) cannot be reached or is not installed. Code `BACKEND_UNAVAILABLE`. */
export class BackendUnavailableError extends AgentkernelError {
  constructor(message: string, options: AgentkernelErrorOptions = {}) {
    super("BACKEND_UNAVAILABLE", message, options);
    this.name = "BackendUnavailableError";
  }

  static override isInstance(error: unknown): error is BackendUnavailableError {
    return AgentkernelError.isInstance(error) && error.code === "BACKEND_UNAVAILABLE";
  }
}
