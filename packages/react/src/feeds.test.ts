import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { afterEach, describe, expect, it } from "vitest";
import { createJobFeed } from "./feeds.js";
import { dispatchKeys } from "./keys.js";

const ID = "job_01h455vb4pex5vsknk084sn02q";
const queryClient = new QueryClient();
afterEach(() => queryClient.clear());

describe("EntityFeed.gap", () => {
  it("re-reads at once when the read it follows is sleeping out a retry backoff (cut off by the drop)", async () => {
    let calls = 0;
    let secondCall = (): void => {};
    const reread = new Promise<void>((resolve) => {
      secondCall = resolve;
    });
    const observer = new QueryObserver(queryClient, {
      queryKey: dispatchKeys.job(ID),
      queryFn: async () => {
        if (++calls === 1) throw new Error("connection lost");
        secondCall();
        return { id: ID };
      },
      retry: 3,
      // Far longer than the test may run: only the gap can bring the re-read.
      retryDelay: 600_000,
    });
    const failed = new Promise<void>((resolve) => {
      const off = observer.subscribe((result) => {
        if (result.failureCount > 0) {
          off();
          resolve();
        }
      });
    });
    const keep = observer.subscribe(() => {});
    await failed;
    createJobFeed(queryClient, ID).gap();
    await reread;
    expect(calls).toBe(2);
    keep();
  });

  it("hands the re-read to whoever awaits the retrying one (a loader's fetchQuery) instead of failing it", async () => {
    let calls = 0;
    const options = {
      queryKey: dispatchKeys.job(ID),
      queryFn: async () => {
        if (++calls === 1) throw new Error("connection lost");
        return { id: ID };
      },
      retry: 3,
      retryDelay: 600_000,
    };
    const observer = new QueryObserver(queryClient, options);
    const failed = new Promise<void>((resolve) => {
      const off = observer.subscribe((result) => {
        if (result.failureCount === 0) return;
        off();
        resolve();
      });
    });
    const keep = observer.subscribe(() => {});
    const loader = queryClient.fetchQuery(options);
    await failed;
    createJobFeed(queryClient, ID).gap();
    await expect(loader).resolves.toEqual({ id: ID });
    expect(calls).toBe(2);
    keep();
  });

  it("re-reads a query that has data, as after any gap", async () => {
    let calls = 0;
    let called = (): void => {};
    const reread = new Promise<void>((resolve) => {
      called = resolve;
    });
    queryClient.setQueryData(dispatchKeys.job(ID), { id: ID });
    const observer = new QueryObserver(queryClient, {
      queryKey: dispatchKeys.job(ID),
      queryFn: async () => {
        calls++;
        called();
        return { id: ID };
      },
      staleTime: Number.POSITIVE_INFINITY,
    });
    const keep = observer.subscribe(() => {});
    expect(calls).toBe(0);
    createJobFeed(queryClient, ID).gap();
    await reread;
    expect(calls).toBe(1);
    keep();
  });
});
