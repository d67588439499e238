import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Client } from "./api/client.js";

export const ClientContext = createContext<Client | null>(null);

/** The signed-in API client; pages render only inside a signed-in shell. */
export function useClient(): Client {
  const client = useContext(ClientContext);
  if (!client) throw new Error("useClient outside a signed-in page");
  return client;
}
