/** The jobs the dev server's demo handlers run, with a payload to start from. */
export const DEMO_JOBS = [
  { name: "send-email", payload: { to: "ada@example.com", subject: "Welcome" } },
  { name: "resize-image", payload: { url: "https://example.com/cat.png", width: 640 } },
  { name: "flaky-job", payload: {} },
  { name: "always-fails", payload: {} },
  { name: "slow-job", payload: { ms: 5000 } },
] as const;

export type DemoJobName = (typeof DEMO_JOBS)[number]["name"];

export function examplePayload(name: DemoJobName): string {
  const job = DEMO_JOBS.find((j) => j.name === name);
  return JSON.stringify(job?.payload ?? {}, null, 2);
}
