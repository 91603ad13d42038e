import type { Format } from "@dispatch/client";
import { DispatchProvider } from "@dispatch/react";
import { QueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { Dashboard } from "./components/dashboard";
import { demoConfig, initialFormat, searchWithFormat } from "./config";

/**
 * The provider owns one client per format: switching format starts a new
 * client on the same query cache, so the dashboard keeps what it has seen.
 */
export function App() {
  const config = useMemo(() => demoConfig(import.meta.env, window.location), []);
  const [format, setFormat] = useState<Format>(() => initialFormat(window.location.search));
  const changeFormat = useCallback((next: Format) => {
    setFormat(next);
    const { pathname, search, hash } = window.location;
    window.history.replaceState(
      window.history.state,
      "",
      `${pathname}${searchWithFormat(search, next)}${hash}`,
    );
  }, []);
  const [queryClient] = useState(() => new QueryClient());
  const options = useMemo(
    () => ({
      // Same origin: the token takes the same route as the page itself did.
      allowInsecure: config.sameOrigin,
      // A local dashboard should notice a restarted or frozen server quickly.
      maxReconnectDelay: 3_000,
      heartbeatInterval: 5_000,
    }),
    [config],
  );
  return (
    <DispatchProvider
      url={config.url}
      token={config.token}
      format={format}
      queryClient={queryClient}
      options={options}
    >
      <Dashboard format={format} onFormatChange={changeFormat} serverUrl={config.url} />
    </DispatchProvider>
  );
}
