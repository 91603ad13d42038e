import { describe, expect, it } from "vitest";
import { CreditGranter, HEAD_START } from "./credits.js";

describe("CreditGranter", () => {
  it("grants in batches so the server's balance never nears zero", () => {
    // The server's view: 1,000 credits at the start, one spent per event.
    let balance = 1000;
    let lowest = balance;
    const grants: number[] = [];
    const granter = new CreditGranter((n) => {
      grants.push(n);
      balance += n;
    }, 250);
    for (let i = 0; i < 100_000; i++) {
      balance--;
      lowest = Math.min(lowest, balance);
      granter.onEvent();
    }
    expect(grants).toHaveLength(400);
    expect(grants.every((n) => n === 250)).toBe(true);
    expect(lowest).toBe(750);
    expect(balance).toBe(1000);
  });

  it("gives each new session a head start, and starts counting again", () => {
    const grants: number[] = [];
    const granter = new CreditGranter((n) => grants.push(n), 3);
    granter.opened();
    granter.onEvent();
    granter.onEvent();
    granter.opened();
    granter.onEvent();
    granter.onEvent();
    expect(grants).toEqual([HEAD_START, HEAD_START]);
    granter.onEvent();
    expect(grants).toEqual([HEAD_START, HEAD_START, 3]);
  });
});
