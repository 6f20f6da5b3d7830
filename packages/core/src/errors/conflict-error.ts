/** A concurrent change won (check-and-set lost, lock held). */
import { AgentkernelError, type AgentkernelErrorOptions } from "./agentkernel-error.js";

/** A concurrent change won (check-and-set lost, lock held). Code `CONFLICT`. */
export class ConflictError extends AgentkernelError {
  constructor(message: string, options: AgentkernelErrorOptions = {}) {
    super("CONFLICT", message, options);
    this.name = "ConflictError";
  }

  static override isInstance(error: unknown): error is ConflictError {
    return AgentkernelError.isInstance(error) && error.code === "CONFLICT";
  }
}
