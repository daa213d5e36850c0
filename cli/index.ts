import { machineClock } from '../server/clock';
import { run } from './main';

process.exitCode = await run(process.argv.slice(2), {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  clock: machineClock(),
});
