/** Input failed validation at the edge; the message names the field and the fix. */
import { AgentkernelError, type AgentkernelErrorOptions } from "./agentkernel-error.js";

/** Input failed validation at the edge; the message names the field and the fix. Code `INVALID_INPUT`. */
export class InvalidInputError extends AgentkernelError {
  constructor(message: string, options: AgentkernelErrorOptions = {}) {
    super("INVALID_INPUT", message, options);
    this.name = "InvalidInputError";
  }

  static override isInstance(error: unknown): error is InvalidInputError {
    return AgentkernelError.isInstance(error) && error.code === "INVALID_INPUT";
  }
}
