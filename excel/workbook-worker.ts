// The parse worker's entry: files in, their sheets (or why not) out, one at a time.
import { parentPort } from 'node:worker_threads';
import { pack } from './packed';
import { parseFile } from './parse';
import type { ParseJob } from './workbook';

parentPort!.on('message', ({ buf, file, limits, choice }: ParseJob) => {
  parentPort!.postMessage(pack(parseFile(buf, file, limits, choice)));
});
