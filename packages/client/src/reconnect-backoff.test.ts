import { describe, expect, it, vi } from "vitest";
import {
  FakeSocket,
  openFakeClient as openClient,
  FAKE_URL as url,
  useFakeSockets,
  FakeWebSocket as WebSocket,
} from "../test/fake-socket.js";
import { Dispatch } from "./client.js";

describe("reconnect backoff (fake socket, fake timers)", () => {
  useFakeSockets();

  it("gives up after maxRetries failed attempts with a ConnectionError", async () => {
    const client = new Dispatch({ url, token: "dk_test_a", WebSocket, maxRetries: 2 });
    const connected = client.connect({ timeout: 600_000 });
    const failed = expect(connected).rejects.toThrow(/gave up after 3 failed attempts/);
    // Nothing ever answers: each attempt ends at partysocket's connection timeout.
    await vi.advanceTimersByTimeAsync(120_000);
    await failed;
    expect(client.state).toBe("closed");
    expect(FakeSocket.instances).toHaveLength(3);
  });

  it("jitters reconnection delays between half and all of the base", async () => {
    const delays: number[] = [];
    for (const random of [0, 0.99]) {
      FakeSocket.reset();
      const { client } = await openClient({ minReconnectDelay: 1000 });
      const spy = vi.spyOn(Math, "random").mockReturnValue(random);
      FakeSocket.latest().drop();
      const start = Date.now();
      for (let i = 0; i < 1000 && FakeSocket.instances.length < 2; i++) await vi.advanceTimersByTimeAsync(10);
      delays.push(Date.now() - start);
      spy.mockRestore();
      client.close();
    }
    // The first retry waits base × (0.5 + random / 2), to the 10 ms step above.
    expect(delays[0]).toBeGreaterThanOrEqual(500);
    expect(delays[0]).toBeLessThanOrEqual(510);
    expect(delays[1]).toBeGreaterThanOrEqual(995);
    expect(delays[1]).toBeLessThanOrEqual(1000);
  });

  it("setting one bound alone moves the other's default to fit", async () => {
    const firstRetry = async (options: { minReconnectDelay?: number; maxReconnectDelay?: number }) => {
      FakeSocket.reset();
      const { client } = await openClient(options);
      const spy = vi.spyOn(Math, "random").mockReturnValue(0.99);
      FakeSocket.latest().drop();
      const start = Date.now();
      for (let i = 0; i < 10_000 && FakeSocket.instances.length < 2; i++)
        await vi.advanceTimersByTimeAsync(10);
      spy.mockRestore();
      client.close();
      return Date.now() - start;
    };
    // The minimum (500 ms by default) comes down to a 100 ms maximum.
    expect(await firstRetry({ maxReconnectDelay: 100 })).toBeLessThanOrEqual(100);
    // The maximum (10 s by default) goes up to a 20 s minimum: 0.995 × 20 s.
    expect(await firstRetry({ minReconnectDelay: 20_000 })).toBe(19_900);
  });

  it("keeps jittering at the cap, so clients do not settle into one rhythm", async () => {
    const { client } = await openClient({ minReconnectDelay: 1000, maxReconnectDelay: 2000 });
    let sockets = 1;
    const gaps: number[] = [];
    FakeSocket.latest().drop();
    // Every attempt fails at once: the server stays down.
    for (const random of [0, 0.99, 0, 0.99, 0, 0.99]) {
      const spy = vi.spyOn(Math, "random").mockReturnValue(random);
      const start = Date.now();
      for (let i = 0; i < 1000 && FakeSocket.instances.length === sockets; i++)
        await vi.advanceTimersByTimeAsync(10);
      gaps.push(Date.now() - start);
      spy.mockRestore();
      sockets = FakeSocket.instances.length;
      FakeSocket.latest().drop();
    }
    // The last attempts are at the 2 s cap, and still spread from 1 s to 2 s.
    expect(gaps.slice(-2)[0]).toBeLessThanOrEqual(1010);
    expect(gaps.slice(-1)[0]).toBeGreaterThanOrEqual(1980);
    client.close();
  });
});
