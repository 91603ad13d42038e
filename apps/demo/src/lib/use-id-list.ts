import { useCallback, useState } from "react";

/** An ordered set of ids, newest first, at most `max`. */
export function useIdList(max: number): { ids: readonly string[]; add: (id: string) => void } {
  const [ids, setIds] = useState<readonly string[]>([]);
  const add = useCallback(
    (id: string) => setIds((prev) => (prev.includes(id) ? prev : [id, ...prev].slice(0, max))),
    [max],
  );
  return { ids, add };
}
