import { createClient, httpTransport, type Transport } from '../api/client';

declare global {
  interface Window {
    /** Exposed by Electron's preload: the IPC transport. Absent in a plain browser. */
    api?: { invoke: Transport };
  }
}

/** The one client the screens use: IPC inside Electron, HTTP to the local server in a browser. */
export const client = createClient(window.api ? window.api.invoke : httpTransport());
