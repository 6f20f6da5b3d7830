/** List pagination and filtering as Nomad's paginator does it: filter first, then per_page / next_token. */
import { compileFilter, type Filter } from "./bexpr.js";
import { HttpError } from "./http-util.js";

/** Reads `filter` from the query, with Nomad's 400 text on a bad expression. */
export function filterFrom(url: URL): Filter | undefined {
  const src = url.searchParams.get("filter");
  if (src === null || src === "") return undefined;
  try {
    return compileFilter(src);
  } catch (err) {
    throw new HttpError(400, `failed to create result paginator: failed to create evaluator: ${(err as Error).message}`);
  }
}

/** How to page one list. */
export interface PageSpec<T> {
  filter: Filter | undefined;
  /** The object the filter runs against (the full object, not the stub). */
  full(t: T): unknown;
  /** The opaque next_token naming an item. */
  token(t: T): string;
  /** True when `t` sorts at or after the position `next_token` names. */
  atOrAfter(t: T, nextToken: string): boolean;
}

/** Applies filter, next_token and per_page; returns the page and the token of the first item of the next page. */
export function paginate<T>(items: Iterable<T>, url: URL, spec: PageSpec<T>): { page: T[]; nextToken?: string } {
  const per = Number(url.searchParams.get("per_page") ?? "0");
  const perPage = Number.isFinite(per) && per > 0 ? Math.floor(per) : 0;
  const next = url.searchParams.get("next_token") ?? "";
  const page: T[] = [];
  let started = next === "";
  for (const t of items) {
    if (!started) {
      if (!spec.atOrAfter(t, next)) continue;
      started = true;
    }
    if (spec.filter && !spec.filter.match(spec.full(t))) continue;
    if (perPage > 0 && page.length === perPage) return { page, nextToken: spec.token(t) };
    page.push(t);
  }
  return { page };
}
