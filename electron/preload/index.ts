import { contextBridge, ipcRenderer } from 'electron';

// Only one function crosses into the page: invoke(name, input) on the api channel.
contextBridge.exposeInMainWorld('api', {
  invoke: (name: string, input: unknown) => ipcRenderer.invoke('api', name, input),
});
