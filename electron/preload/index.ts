import { contextBridge, ipcRenderer } from 'electron';

// Into the app's own page only (a window on the provincial server has no preload): api calls, opening or
// saving a file through a native dialog, and on the first screen the choice of ledger. The main process
// answers each only from its own page (security/ipc-sender.ts).
contextBridge.exposeInMainWorld('api', {
  invoke: (name: string, input: unknown) => ipcRenderer.invoke('api', name, input),
  openFile: (kind: string) => ipcRenderer.invoke('file:open', kind),
  saveFile: (kind: string, name: string, base64: string) => ipcRenderer.invoke('file:save', kind, name, base64),
  ...(new URLSearchParams(location.search).get('screen') === 'start' ? {
    start: {
      probe: (typed: string) => ipcRenderer.invoke('start:probe', typed),
      connect: (origin: string, fingerprint: string) => ipcRenderer.invoke('start:connect', origin, fingerprint),
      local: () => ipcRenderer.invoke('start:local'),
    },
  } : {}),
});
