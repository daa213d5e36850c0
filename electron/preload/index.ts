import { contextBridge, ipcRenderer } from 'electron';

// Three functions cross into the page: api calls, and opening or saving a file through a native dialog.
contextBridge.exposeInMainWorld('api', {
  invoke: (name: string, input: unknown) => ipcRenderer.invoke('api', name, input),
  openFile: (kind: string) => ipcRenderer.invoke('file:open', kind),
  saveFile: (kind: string, name: string, base64: string) => ipcRenderer.invoke('file:save', kind, name, base64),
});
