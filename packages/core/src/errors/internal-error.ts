/** A bug or an unexpected response; never a user mistake. */
import { AgentkernelError, type AgentkernelErrorOptions } from "./agentkernel-error.js";

/** A bug or an unexpected response; never a user mistake. Code `INTERNAL`. */
export class InternalError extends AgentkernelError {
  constructor(message: string, options: AgentkernelErrorOptions = {}) {
    super("INTERNAL", message, options);
    this.name = "InternalError";
  }

  static override isInstance(error: unknown): error is InternalError {
    return AgentkernelError.isInstance(error) && error.code === "INTERNAL";
  }
}
