/**
 * Run as a child process by shared-file.test.ts. `churn FILE ID COUNT SEED`: COUNT puts and forgets of this
 * process's own peers (addresses carrying ID) in a shared bond file, one JSON line per acknowledged change.
 * `hold FILE`: takes the bond file's lock, says "locked", and keeps it until killed.
 * `count FILE ADDRESS COUNT`: advances that peer's SignCounter COUNT times with `update`, as signed writes do.
 */
import { FileBondStore } from './file-bond-store.js';
import { withLockFile } from './lock-file.js';

const [mode, path = 'ble_secrets.json', id = '1', countText = '200', seedText = '1'] = process.argv.slice(2);

if (mode === 'hold') {
  const store = new FileBondStore(path);
  await withLockFile(store.lockPath, {}, async () => {
    process.stdout.write('locked\n');
    // A timer keeps the process alive: a promise alone would let it exit (and drop the lock).
    await new Promise(() => setInterval(() => {}, 60_000));
  });
} else if (mode === 'count') {
  const store = await FileBondStore.open(path);
  for (let i = 0; i < Number(countText); i++) {
    await store.update(id, (current) =>
      current.localCsrk
        ? { ...current, localCsrk: { ...current.localCsrk, signCounter: current.localCsrk.signCounter + 1 } }
        : undefined,
    );
  }
} else {
  const store = await FileBondStore.open(path);
  // A small generator with a seed, so a failing run can be repeated.
  let state = Number(seedText) >>> 0 || 1;
  const random = (n: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  for (let i = 0; i < Number(countText); i++) {
    const address = `C0:00:00:0${id}:0${random(6)}:01/random`;
    if (random(10) < 6) {
      const ltk = `${id}${i.toString(16)}`.padStart(32, '0');
      await store.put({
        address,
        peerLtk: { ltk, ediv: 0, rand: '0000000000000000', keySize: 16, authenticated: false, sc: true },
      });
      process.stdout.write(`${JSON.stringify({ op: 'put', address, ltk })}\n`);
    } else {
      const removed = await store.forget(address);
      process.stdout.write(`${JSON.stringify({ op: 'forget', address, removed })}\n`);
    }
  }
}
