/** Name records `agentkernel/names/<name>`: one atomic (cas=0) reservation per sandbox name, warm or cold. */
import { randomUUID } from "node:crypto";
import { AlreadyExistsError, hasErrorCode } from "@agentkernel/core";
import { type NomadClient, VariableConflictError } from "../client/index.js";
import { namePath } from "./warm-pool-ids.js";

const BACKEND = "nomad";

/** What a name record holds. `jobId` is the Nomad job that runs the sandbox. */
export interface NameRecord {
  kind: "cold" | "warm";
  jobId: string;
  /** ISO time the name was taken. */
  createdAt: string;
  /** Warm only: the pool key and the spec's labels (a dispatched job's Meta cannot change after dispatch). */
  pool?: string;
  labels?: Record<string, string>;
}

/** A record as read back, with the ModifyIndex needed to delete it with check-and-set. */
export interface StoredNameRecord {
  record: NameRecord;
  modifyIndex: number;
}

function toItems(record: NameRecord, token: string): Record<string, string> {
  const items: Record<string, string> = { kind: record.kind, jobId: record.jobId, createdAt: record.createdAt, token };
  if (record.pool !== undefined) items.pool = record.pool;
  if (record.labels && Object.keys(record.labels).length > 0) items.labels = JSON.stringify(record.labels);
  return items;
}

function fromItems(items: Record<string, string> | undefined): NameRecord | undefined {
  if (!items?.jobId || (items.kind !== "cold" && items.kind !== "warm")) return undefined;
  const record: NameRecord = { kind: items.kind, jobId: items.jobId, createdAt: items.createdAt ?? "" };
  if (items.pool) record.pool = items.pool;
  if (items.labels) {
    try {
      record.labels = JSON.parse(items.labels) as Record<string, string>;
    } catch {
      // A hand-edited record must not make the sandbox unreadable; labels are display data.
    }
  }
  return record;
}

/** Reads, reserves and deletes name records in one namespace. */
export class NameRecords {
  readonly #client: () => NomadClient;
  readonly #namespace: string | undefined;

  constructor(client: () => NomadClient, namespace: string | undefined) {
    this.#client = client;
    this.#namespace = namespace;
  }

  /**
   * Takes `name` atomically (`cas=0`): a taken name is an AlreadyExistsError, whoever holds it, warm or cold.
   * The write is retried on transient errors; a retry that finds our own token won (the first answer was lost).
   */
  async reserve(name: string, record: NameRecord, signal?: AbortSignal): Promise<StoredNameRecord> {
    const token = randomUUID();
    try {
      const res = await this.#client().variables.write(namePath(name), toItems(record, token), {
        cas: 0,
        namespace: this.#namespace,
        idempotent: true,
        signal,
      });
      return { record, modifyIndex: res.data.ModifyIndex };
    } catch (err) {
      if (err instanceof VariableConflictError) {
        if (err.conflict.Items?.token === token) return { record, modifyIndex: err.conflict.ModifyIndex };
        throw new AlreadyExistsError(`sandbox "${name}" already exists; pick another name or remove it first`, {
          backend: BACKEND,
          cause: err,
        });
      }
      throw err;
    }
  }

  /** The record of `name`, or undefined when the name is free. */
  async read(name: string, signal?: AbortSignal): Promise<StoredNameRecord | undefined> {
    try {
      const { data } = await this.#client().variables.read(namePath(name), { namespace: this.#namespace, signal });
      const record = fromItems(data.Items);
      return record ? { record, modifyIndex: data.ModifyIndex } : undefined;
    } catch (err) {
      if (hasErrorCode(err, "NOT_FOUND")) return undefined;
      throw err;
    }
  }

  /** Frees `name`. With `modifyIndex` only if the record is still that one (never frees a successor's name). */
  async remove(name: string, modifyIndex?: number, signal?: AbortSignal): Promise<void> {
    try {
      await this.#client().variables.delete(namePath(name), {
        namespace: this.#namespace,
        idempotent: true,
        signal,
        ...(modifyIndex !== undefined ? { cas: modifyIndex } : {}),
      });
    } catch (err) {
      // Someone else's record now (or already gone): not ours to delete.
      if (err instanceof VariableConflictError) return;
      throw err;
    }
  }
}
