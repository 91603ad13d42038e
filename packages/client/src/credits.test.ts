import { describe, expect, it } from "vitest";
import { CreditGranter } from "./credits.js";

describe("CreditGranter", () => {
  it("grants in batches so the server's balance never nears zero", () => {
    const grants: number[] = [];
    const granter = new CreditGranter((n) => grants.push(n), 250);
    for (let i = 0; i < 100_000; i++) granter.onEvent();
    expect(grants).toHaveLength(400);
    expect(grants.every((n) => n === 250)).toBe(true);
    // Balance: 1,000 at start, minus events, plus grants, never below 750.
    expect(1000 - 100_000 + grants.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it("starts counting again on a new session", () => {
    const grants: number[] = [];
    const granter = new CreditGranter((n) => grants.push(n), 3);
    granter.onEvent();
    granter.onEvent();
    granter.reset();
    granter.onEvent();
    granter.onEvent();
    expect(grants).toEqual([]);
    granter.onEvent();
    expect(grants).toEqual([3]);
  });
});
