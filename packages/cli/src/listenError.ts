/**
 * A clear line for a server that could not listen (a busy port, a privileged port, an
 * address not on this machine), or null for any other error. Node's own message
 * (`listen EADDRINUSE: address already in use 127.0.0.1:3000`) names the errno, not the fix.
 */
export function describeListenError(error: unknown): string | null {
  if (typeof error !== "object" || error === null) return null;
  const { code, syscall, address, port } = error as Record<string, unknown>;
  if (syscall !== "listen" || typeof code !== "string") return null;
  const where =
    typeof address === "string" && typeof port === "number"
      ? `${address.includes(":") ? `[${address}]` : address}:${port}`
      : "the address";
  const reason = REASONS[code];
  return reason === undefined ? null : `cannot listen on ${where}: ${reason} (${code})`;
}

// --- Internal helpers ---

const REASONS: Record<string, string> = {
  EADDRINUSE: "the port is already in use; stop what runs there or pick another with --port",
  EACCES: "permission denied; pick a port above 1023 with --port",
  EADDRNOTAVAIL: "the address is not one of this machine's; check --host",
};
