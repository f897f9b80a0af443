/**
 * The child of the crash-safety run: saves bonds through the host's FileBondStore in a tight loop and prints
 * each sequence number once `put` has resolved (the store promises the change is durable by then). The parent
 * kills it with SIGKILL at a random moment.
 */
import type { FileBondStore as FileBondStoreType } from '@tsble/host';

// The very class `@tsble/host` exports, loaded from its own module: importing the whole host (curves, HCI,
// pino) costs ~0.6 s per start, and the run starts 200 of these children.
const modulePath = new URL('./bond-store/file-bond-store.js', import.meta.resolve('@tsble/host'));
const { FileBondStore } = (await import(modulePath.href)) as { FileBondStore: typeof FileBondStoreType };

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: save-loop FILE\n');
  process.exit(2);
}
const store = await FileBondStore.open(path);
const start = Number(process.argv[3] ?? 0);
process.stdout.write('ready\n');
for (let seq = start; ; seq++) {
  const octet = (seq % 64).toString(16).padStart(2, '0').toUpperCase();
  const ltk = (seq >>> 0).toString(16).padStart(32, '0');
  await store.put({
    address: `C0:00:00:00:${octet}:01/random`,
    peerLtk: {
      ltk,
      ediv: seq % 65536,
      rand: ltk.slice(16),
      keySize: 16,
      authenticated: seq % 2 === 0,
      sc: true,
    },
    cccd: { '1': seq },
  });
  process.stdout.write(`${seq}\n`);
}
