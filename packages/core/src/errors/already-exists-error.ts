/** A sandbox with this name already exists (names are reserved atomically). */
import { AgentkernelError, type AgentkernelErrorOptions } from "./agentkernel-error.js";

/** A sandbox with this name already exists (names are reserved atomically). Code `ALREADY_EXISTS`. */
export class AlreadyExistsError extends AgentkernelError {
  constructor(message: string, options: AgentkernelErrorOptions = {}) {
    super("ALREADY_EXISTS", message, options);
    this.name = "AlreadyExistsError";
  }

  static override isInstance(error: unknown): error is AlreadyExistsError {
    return AgentkernelError.isInstance(error) && error.code === "ALREADY_EXISTS";
  }
}
