/** A proxy around a backend that turns any non-core error it throws into a loud conformance failure. */
import type { Readable } from "node:stream";
import { AgentkernelError, type Backend, ERROR_CODES, type ExecSession } from "@agentkernel/core";

/** Thrown in place of an error the backend should never have thrown (not a core error, or an unknown code). */
export class ConformanceViolationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConformanceViolationError";
  }
}

/** True when `error` is a core error whose code is one core defines. */
export function isKnownCoreError(error: unknown): error is AgentkernelError {
  return AgentkernelError.isInstance(error) && (ERROR_CODES as readonly string[]).includes(error.code);
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${code === undefined ? "" : ` (code ${String(code)})`}: ${error.message}`;
  }
  return `a non-Error value (${typeof error}: ${String(error)})`;
}

/** Returns `error` when it is a known core error; otherwise records it and returns a ConformanceViolationError. */
export function checkError(where: string, error: unknown, violations: string[]): unknown {
  if (isKnownCoreError(error)) return error;
  const message = `${where} threw ${describeError(error)}; a backend must throw only @agentkernel/core errors (AgentkernelError subclasses with a known code)`;
  violations.push(message);
  return new ConformanceViolationError(message, { cause: error });
}

function watchStream(where: string, stream: Readable | null, violations: string[]): void {
  // Only records: the consumer's own listeners still see the error and fail the case.
  stream?.on("error", (error: unknown) => {
    checkError(where, error, violations);
  });
}

function checkSession(where: string, session: ExecSession, violations: string[]): ExecSession {
  watchStream(`${where} stdout`, session.stdout, violations);
  watchStream(`${where} stderr`, session.stderr, violations);
  return {
    stdin: session.stdin,
    stdout: session.stdout,
    stderr: session.stderr,
    exit: session.exit.catch((error: unknown) => {
      throw checkError(`${where} exit`, error, violations);
    }),
    resize: (size) => {
      try {
        session.resize(size);
      } catch (error) {
        throw checkError(`${where} resize()`, error, violations);
      }
    },
    kill: () => {
      try {
        session.kill();
      } catch (error) {
        throw checkError(`${where} kill()`, error, violations);
      }
    },
  };
}

async function* checkIterable<T>(where: string, iterable: AsyncIterable<T>, violations: string[]): AsyncGenerator<T> {
  try {
    yield* iterable;
  } catch (error) {
    throw checkError(where, error, violations);
  }
}

function isThenable(value: unknown): value is Promise<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/**
 * Wraps `backend` so every method's sync throw, rejection, exec `exit` rejection, stream error and
 * logs iteration error is checked. Violations are appended to `violations` and rethrown as
 * ConformanceViolationError, so the case that hit one fails with a message naming the method.
 */
export function withErrorChecks(backend: Backend, violations: string[]): Backend {
  return new Proxy(backend, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function" || typeof prop !== "string") return value;
      const where = `${target.backendId}.${prop}()`;
      return (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          throw checkError(where, error, violations);
        }
        if (prop === "logs" && result !== null && typeof result === "object" && Symbol.asyncIterator in result) {
          return checkIterable(where, result as AsyncIterable<unknown>, violations);
        }
        if (!isThenable(result)) return result;
        return result.then(
          (resolved) => {
            if (prop === "exec" || prop === "attach") return checkSession(where, resolved as ExecSession, violations);
            if (prop === "readFile") watchStream(`${where} stream`, resolved as Readable, violations);
            return resolved;
          },
          (error: unknown) => {
            throw checkError(where, error, violations);
          },
        );
      };
    },
  });
}
