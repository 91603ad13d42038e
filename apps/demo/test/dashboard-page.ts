import type { Page } from "playwright-core";

/** Bounded waits: generous for a loaded CI machine, never a sleep. */
export const WAIT = { timeout: 15_000 } as const;

/** Drives the dashboard the way a person would, by accessible names. */
export class DashboardPage {
  constructor(readonly page: Page) {}

  connection(label: "connected" | "reconnecting" | "offline") {
    return this.page.locator(`output[data-connection="${label}"]`);
  }

  async waitConnected(format?: "json" | "msgpack", timeout: number = WAIT.timeout): Promise<void> {
    const badge = this.connection("connected");
    await (format ? badge.locator(`[data-format="${format}"]`) : badge).waitFor({ timeout });
  }

  /** Enqueues a demo job through the form; resolves with its id as the form reports it. */
  async enqueue(name: string, payload?: string, queue?: string): Promise<string> {
    const previous = await this.page.evaluate(
      () => document.querySelector("[data-enqueued-job]")?.getAttribute("data-enqueued-job") ?? null,
    );
    await this.page.getByLabel("Job", { exact: true }).selectOption(name);
    if (payload !== undefined) await this.page.getByLabel("Payload (JSON)").fill(payload);
    await this.page.getByLabel("Queue", { exact: true }).fill(queue ?? "default");
    await this.page.getByRole("button", { name: "Enqueue job" }).click();
    const handle = await this.page.waitForFunction(
      (prev) => {
        const id = document.querySelector("[data-enqueued-job]")?.getAttribute("data-enqueued-job");
        return id && id !== prev ? id : null;
      },
      previous,
      WAIT,
    );
    return (await handle.jsonValue()) as string;
  }

  /** The state badge of a job's row, once it carries `state`. */
  async jobState(jobId: string, state: string, timeout: number = WAIT.timeout): Promise<string | null> {
    const badge = this.page.locator(`tr[data-job-id="${jobId}"] .badge[data-state="${state}"]`);
    await badge.waitFor({ timeout });
    return badge.textContent();
  }

  /** Clicks a button and resolves with the id of the run that appears after it. */
  async startRun(): Promise<string> {
    const known = await this.runIds();
    await this.page.getByRole("button", { name: "Start order-pipeline" }).click();
    const handle = await this.page.waitForFunction(
      (before) =>
        [...document.querySelectorAll("li.run")]
          .map((li) => li.getAttribute("data-run-id"))
          .find((id) => id !== null && !before.includes(id)) ?? null,
      known,
      WAIT,
    );
    return (await handle.jsonValue()) as string;
  }

  step(runId: string, step: string, status: string) {
    return this.page.locator(`li[data-run-id="${runId}"] [data-step="${step}"][data-status="${status}"]`);
  }

  /** Resolves once the run completed with every step of its list completed. */
  async runCompleted(runId: string): Promise<void> {
    await this.page.waitForFunction(
      (id) => {
        const run = document.querySelector(`li[data-run-id="${id}"]`);
        const steps = [...(run?.querySelectorAll("[data-step]") ?? [])];
        return (
          run?.getAttribute("data-state") === "completed" &&
          steps.length > 0 &&
          steps.every((s) => s.getAttribute("data-status") === "completed")
        );
      },
      runId,
      WAIT,
    );
  }

  private runIds(): Promise<string[]> {
    return this.page.evaluate(() =>
      [...document.querySelectorAll("li.run")].map((li) => li.getAttribute("data-run-id") ?? ""),
    );
  }
}
