// @vitest-environment happy-dom
import { act, renderHook } from "@testing-library/react";
import { expect, it } from "vitest";
import { useIdList } from "./use-id-list";

it("keeps the newest first, at most max, each id once", () => {
  const { result } = renderHook(() => useIdList(3));
  act(() => {
    for (const id of ["a", "b", "a", "c"]) result.current.add(id);
  });
  expect(result.current.ids).toEqual(["c", "b", "a"]);
  act(() => result.current.add("d"));
  expect(result.current.ids).toEqual(["d", "c", "b"]);
});

it("does not bring back an id it pushed off, ahead of newer ones", () => {
  // A job's later event (started, completed) after newer jobs pushed it off the list.
  const { result } = renderHook(() => useIdList(2));
  act(() => {
    for (const id of ["a", "b", "c"]) result.current.add(id);
  });
  act(() => result.current.add("a"));
  expect(result.current.ids).toEqual(["c", "b"]);
});

it("remembers only the last ids it dropped", () => {
  const { result } = renderHook(() => useIdList(1, 2));
  act(() => {
    for (const id of ["a", "b", "c", "d"]) result.current.add(id);
  });
  // "b" and "c" are remembered; "a" was forgotten, so it counts as new.
  act(() => result.current.add("b"));
  expect(result.current.ids).toEqual(["d"]);
  act(() => result.current.add("a"));
  expect(result.current.ids).toEqual(["a"]);
});
