import { startWireDouble } from '../../test/support/esdb-wire-double/server.js';

/**
 * The wire double in a process of its own, for client benchmarks: the two EventStoreDB clients
 * register the same protobuf message names globally, so neither may share a process with the
 * double's copy. Prints the connection string; stops when its stdin closes.
 */
const double = await startWireDouble({ batchAppend: true });
process.stdout.write(`${double.connectionString}\n`);
process.stdin.resume();
process.stdin.on('end', () => void double.stop().then(() => process.exit(0)));
