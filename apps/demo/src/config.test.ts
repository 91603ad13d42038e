import { describe, expect, it } from "vitest";
import { initialFormat, searchWithFormat } from "./config";

describe("the format in the page's URL", () => {
  it("records msgpack and reads it back, keeping the other parameters", () => {
    const search = searchWithFormat("?debug=1", "msgpack");
    expect(new URLSearchParams(search).get("debug")).toBe("1");
    expect(initialFormat(search)).toBe("msgpack");
  });

  it("leaves no parameter for JSON, the default", () => {
    expect(searchWithFormat("?format=msgpack", "json")).toBe("");
    expect(searchWithFormat("?format=msgpack&debug=1", "json")).toBe("?debug=1");
    expect(initialFormat(searchWithFormat("?format=msgpack", "json"))).toBe("json");
  });
});
