interface ImportMetaEnv {
  /** `wss://host/dwp` of a real Dispatch server. Default: same origin, `/dwp` (proxied in dev). */
  readonly VITE_DISPATCH_URL?: string;
  /** Its token. Default: the dev server's `dk_test_local`. */
  readonly VITE_DISPATCH_TOKEN?: string;
}
