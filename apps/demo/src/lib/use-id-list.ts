import { useCallback, useState } from "react";

interface IdList {
  ids: readonly string[];
  /** Ids pushed off the end, newest first, at most `remember`. */
  dropped: readonly string[];
}

const EMPTY: IdList = { ids: [], dropped: [] };

/**
 * An ordered set of ids, newest first, at most `max`. An id pushed off the
 * end stays off: a late event of an old job must not put it back on top,
 * above newer ones, and push one of those off in turn (under load the list
 * would churn, each return costing a read and a subscription). The last
 * `remember` ids dropped are kept to tell, so memory stays bounded.
 */
export function useIdList(
  max: number,
  remember = max * 10,
): { ids: readonly string[]; add: (id: string) => void } {
  const [list, setList] = useState<IdList>(EMPTY);
  const add = useCallback(
    (id: string) =>
      setList((prev) => {
        if (prev.ids.includes(id) || prev.dropped.includes(id)) return prev;
        const ids = [id, ...prev.ids];
        if (ids.length <= max) return { ids, dropped: prev.dropped };
        return { ids: ids.slice(0, max), dropped: [...ids.slice(max), ...prev.dropped].slice(0, remember) };
      }),
    [max, remember],
  );
  return { ids: list.ids, add };
}
