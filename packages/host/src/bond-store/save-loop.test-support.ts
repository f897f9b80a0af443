/**
 * Run as a child process by file-bond-store.test.ts: saves bonds in a tight loop until it is killed, so the
 * test can SIGKILL it mid-write and check the file is still whole.
 */
import { FileBondStore } from './file-bond-store.js';

const path = process.argv[2] ?? 'ble_secrets.json';
const store = await FileBondStore.open(path);
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const hex = (i % 256).toString(16).padStart(2, '0').repeat(16);
  await store.put({
    address: `C0:00:00:00:${(i % 256).toString(16).padStart(2, '0').toUpperCase()}:01/random`,
    peerLtk: {
      ltk: hex,
      ediv: i % 65536,
      rand: hex.slice(0, 16),
      keySize: 16,
      authenticated: false,
      sc: true,
    },
    cccd: { [String(i)]: 1 },
  });
}
