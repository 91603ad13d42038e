import { describe, expect, it } from "vitest";
import { connectableHost, parsePort } from "./listen-address.js";

describe("dispatch-dev arguments", () => {
  it("takes a port of digits from 0 to 65535", () => {
    expect(parsePort("8080")).toBe(8080);
    expect(parsePort("0")).toBe(0);
  });

  it.each(["", " ", "abc", "80.5", "-1", "70000", "1e3"])("refuses --port %j", (value) => {
    expect(() => parsePort(value)).toThrow(`invalid --port: "${value}"`);
  });

  it("names a wildcard address by loopback, where a client can connect", () => {
    expect(connectableHost("0.0.0.0")).toBe("127.0.0.1");
    expect(connectableHost("::")).toBe("[::1]");
    expect(connectableHost("::1")).toBe("[::1]");
    expect(connectableHost("localhost")).toBe("localhost");
  });
});
