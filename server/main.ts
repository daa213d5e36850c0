// `npm run web`: the api and the web UI on this machine's ledger (the same as `eql serve`).
import { serveFromArgs } from './serve';

// A request that fails in a way nobody caught is logged; it never takes the server (and every other user) down.
process.on('unhandledRejection', (e) => console.error('[未处理的异常]', e));

process.exit(await serveFromArgs(process.argv.slice(2)));
