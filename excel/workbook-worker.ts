// The parse worker's entry: files in, their sheets (or why not) out, one at a time.
import { parentPort } from 'node:worker_threads';
import { parseXlsx, type ParseLimits } from './xlsx-parse';

parentPort!.on('message', ({ buf, file, limits }: { buf: Uint8Array; file: string; limits: ParseLimits }) => {
  parentPort!.postMessage(parseXlsx(buf, file, limits));
});
