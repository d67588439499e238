/** `PORT` as a TCP port (3000 when unset); anything else stops the app with a clear message. */
export function portFromEnv(value: string | undefined): number {
  if (value === undefined || value === "") return 3000;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    console.error(`error: PORT must be an integer from 0 to 65535 (got "${value}")`);
    process.exit(2);
  }
  return port;
}

/** What to print when listening failed: the usual causes in words, with what to do. */
export function listenFailure(error: unknown, port: number): string {
  const code = (error as { code?: unknown } | null)?.code;
  const where = `127.0.0.1:${port}`;
  if (code === "EADDRINUSE") {
    return `error: cannot listen on ${where}: the port is already in use; stop what runs there or set PORT to another port`;
  }
  if (code === "EACCES") {
    return `error: cannot listen on ${where}: permission denied; set PORT to a port above 1023`;
  }
  return `error: cannot listen on ${where}: ${error instanceof Error ? error.message : String(error)}`;
}
