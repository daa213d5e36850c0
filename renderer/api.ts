import { createClient, httpTransport, type Transport } from '../api/client';
import { mediaTypeOf, type FileOut } from '../api/contract';
import { SPREADSHEET_EXTENSIONS } from '../excel/formats';
import type { StartBridge } from './screens/Start';

declare global {
  interface Window {
    /** Exposed by Electron's preload: the IPC transport and native file dialogs. Absent in a plain browser. */
    api?: {
      invoke: Transport;
      openFile: (kind: FileKind) => Promise<{ name: string; base64: string } | { error: string } | null>;
      saveFile: (kind: FileKind, name: string, base64: string) => Promise<string | null>;
      /** Only on the desktop app's first screen: choosing the ledger. */
      start?: StartBridge;
    };
  }
}

/** 'xlsx': a workbook the app writes; 'sheet': a spreadsheet or text file to import, in any format the importer reads. */
export type FileKind = 'xlsx' | 'csv' | 'zip' | 'sheet' | 'backup' | 'mapping' | 'png' | 'pdf';
export const SIGNED_OUT = 'eql:signed-out';

const transport: Transport = window.api ? window.api.invoke : httpTransport();

/** The one client the screens use; a call refused for want of a session tells the app to show the sign-in. */
export const client = createClient(async (name, input) => {
  const r = await transport(name, input);
  if (!r.ok && r.problems.some((p) => p.code === 'unauthenticated')) window.dispatchEvent(new Event(SIGNED_OUT));
  return r;
});

function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const ACCEPT: Record<FileKind, string> = { xlsx: '.xlsx', csv: '.csv', zip: '.zip', sheet: SPREADSHEET_EXTENSIONS.map((e) => `.${e}`).join(','), backup: '.db', mapping: '.json', png: '.png', pdf: '.pdf' };

/** Asks the user for a file: Electron's native dialog, or the browser's file picker. Null when cancelled. */
export async function pickFile(kind: FileKind): Promise<{ name: string; base64: string } | null> {
  if (window.api) {
    const r = await window.api.openFile(kind);
    if (r && 'error' in r) throw new Error(r.error);
    return r;
  }
  const input = Object.assign(document.createElement('input'), { type: 'file', accept: ACCEPT[kind] });
  const file = await new Promise<File | null>((resolve) => {
    input.addEventListener('change', () => resolve(input.files?.[0] ?? null));
    input.addEventListener('cancel', () => resolve(null));
    input.click();
  });
  return file ? { name: file.name, base64: toBase64(await file.arrayBuffer()) } : null;
}

/** Hands a file to the user: Electron's native save dialog, or a browser download. False when cancelled. */
export async function saveFile(kind: FileKind, out: FileOut): Promise<boolean> {
  if (window.api) return (await window.api.saveFile(kind, out.fileName, out.base64)) !== null;
  const bytes = Uint8Array.from(atob(out.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: mediaTypeOf(out.fileName) }));
  Object.assign(document.createElement('a'), { href: url, download: out.fileName }).click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return true;
}
