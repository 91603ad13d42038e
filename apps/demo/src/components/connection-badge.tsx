import type { ConnectionState, Format } from "@dispatch/client";
import { useConnectionState, useDispatch } from "@dispatch/react";

type Label = "connected" | "connecting" | "reconnecting" | "offline";

function labelOf(state: ConnectionState, everConnected: boolean): Label {
  if (state === "open") return "connected";
  if (state === "reconnecting") return "reconnecting";
  if (state === "connecting") return everConnected ? "reconnecting" : "connecting";
  return "offline";
}

interface Props {
  format: Format;
  onFormatChange: (format: Format) => void;
  serverUrl: string;
}

/** The connection's state and wire format, and the format switch. */
export function ConnectionBadge({ format, onFormatChange, serverUrl }: Props) {
  const { state, error, lastConnectedAt } = useConnectionState();
  const client = useDispatch();
  const label = labelOf(state, lastConnectedAt !== undefined);
  // The server's answer wins over the request; re-read on every state change.
  const inUse = state === "open" ? client.status.format : format;
  return (
    <div className="connection">
      <output
        className={`conn conn-${label}`}
        data-connection={label}
        aria-label={`Connection: ${label}, format ${inUse}`}
        title={error ? `${serverUrl}: ${error.message}` : serverUrl}
      >
        <span className="dot" aria-hidden="true" />
        {label}
        <span className="conn-format" data-format={inUse}>
          {inUse}
        </span>
      </output>
      {/* Closed for good (a refused token, retries used up): say why, not just "offline". */}
      {state === "closed" && error && (
        <p className="conn-error field-error" role="alert">
          {error.message}
        </p>
      )}
      <fieldset className="segmented">
        <legend className="sr-only">Wire format</legend>
        {(["json", "msgpack"] as const).map((value) => (
          <label key={value} className={format === value ? "active" : undefined}>
            <input
              type="radio"
              name="wire-format"
              value={value}
              checked={format === value}
              onChange={() => onFormatChange(value)}
            />
            {value === "json" ? "JSON" : "msgpack"}
          </label>
        ))}
      </fieldset>
    </div>
  );
}
