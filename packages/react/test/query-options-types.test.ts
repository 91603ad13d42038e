// Compile-time checks, run by the type checker in `npm test`: the query
// options fit every TanStack entry point an app reaches for, with the data
// type inferred. The test body only keeps the checks from being unused.
import type { Dispatch, Job } from "@dispatch/client";
import {
  type QueryClient,
  usePrefetchQuery,
  useQuery,
  useSuspenseQueries,
  useSuspenseQuery,
} from "@tanstack/react-query";
import { describe, expect, expectTypeOf, it } from "vitest";
import { jobQueryOptions, type WorkflowRunData, workflowRunQueryOptions } from "../src/index.js";

interface Email {
  to: string;
}

/** A hook in name, so the rules of hooks hold; never called. */
function useTypeChecks(client: Dispatch, queryClient: QueryClient) {
  const job = jobQueryOptions<Email>(client, "job_1");
  const run = workflowRunQueryOptions<Email>(client, "wfrun_1");
  expectTypeOf(useQuery(job).data).toEqualTypeOf<Job<Email> | undefined>();
  expectTypeOf(useSuspenseQuery(job).data).toEqualTypeOf<Job<Email>>();
  expectTypeOf(useSuspenseQuery(run).data).toEqualTypeOf<WorkflowRunData<Email, unknown>>();
  expectTypeOf(useSuspenseQueries({ queries: [job] })[0].data).toEqualTypeOf<Job<Email>>();
  usePrefetchQuery(job);
  expectTypeOf(queryClient.fetchQuery(job)).resolves.toEqualTypeOf<Job<Email>>();
  expectTypeOf(queryClient.getQueryData(job.queryKey)).toEqualTypeOf<Job<Email> | undefined>();
}

describe("query options types", () => {
  it("fit useQuery, the suspense hooks, prefetching and the cache, with the data type inferred", () => {
    expect(useTypeChecks).toBeTypeOf("function");
  });
});
