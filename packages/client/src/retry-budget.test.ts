import { describe, expect, it } from "vitest";
import { RetryBudget } from "./retry-budget.js";

describe("RetryBudget", () => {
  it("counts failed connects in a row, and forgets them once a session opens", () => {
    const budget = new RetryBudget();
    budget.failed();
    budget.failed();
    expect(budget.spent).toBe(2);
    budget.opened();
    expect(budget.spent).toBe(0);
  });

  it("counts sessions that were asked and never answered, but not quiet ones", () => {
    const budget = new RetryBudget();
    for (let i = 0; i < 3; i++) {
      budget.opened();
      budget.asked();
      budget.dropped();
    }
    expect(budget.spent).toBe(3);
    budget.opened();
    budget.dropped();
    expect(budget.spent).toBe(3);
    budget.opened();
    budget.asked();
    budget.answered();
    budget.dropped();
    expect(budget.spent).toBe(0);
  });

  it("spends one outage once: a cut-off session and the failed connect after it", () => {
    const budget = new RetryBudget();
    budget.opened();
    budget.asked();
    budget.dropped();
    budget.failed();
    expect(budget.spent).toBe(1);
  });
});
