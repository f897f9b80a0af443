/** `tsble bonds [list] | bonds forget ADDRESS | bonds forget --all`: the bond store. */
import { existsSync } from 'node:fs';
import { type BondRecord, FileBondStore, parseAddress } from '@tsble/host';
import { ExitCode, UsageError } from '../options.js';
import type { CliCommand, CommandContext } from './command.js';
import { bondFileOptions, failure } from './host-session.js';

export const bonds: CliCommand = {
  async run(context) {
    const [action = 'list', address] = context.positionals;
    try {
      const store = await FileBondStore.open(context.options.bondStore, bondFileOptions);
      if (action === 'list') return list(store.list(), context, store.location);
      if (action !== 'forget') throw new UsageError(`unknown bonds action "${action}": use list or forget`);
      if (!existsSync(store.location)) {
        // A typo in --bond-store must not read as "forgot 0 bonds": nothing was there to forget.
        context.out.error(
          `the bond store ${store.location} does not exist, so there is nothing to forget (check --bond-store or TSBLE_BOND_STORE)`,
          { code: 'not-found' },
        );
        return ExitCode.failed;
      }
      if (context.values.all === true) {
        if (address !== undefined) throw new UsageError('give either ADDRESS or --all, not both');
        const count = await store.forgetAll();
        context.out.event('forgotten', { all: true, count }, `forgot ${count} bond${count === 1 ? '' : 's'}`);
        return ExitCode.done;
      }
      if (address === undefined) throw new UsageError('bonds forget needs ADDRESS (or --all)');
      const parsed = parseAddress(address.includes('/') ? address : `${address}/public`);
      if (!parsed.ok) throw new UsageError(parsed.error.message);
      const candidates = address.includes('/')
        ? [address.toUpperCase().replace('/PUBLIC', '/public').replace('/RANDOM', '/random')]
        : [`${address.toUpperCase()}/public`, `${address.toUpperCase()}/random`];
      let removed = false;
      for (const candidate of candidates) removed = (await store.forget(candidate)) || removed;
      if (!removed) {
        context.out.error(`no bond with ${address} in ${store.location}`, { code: 'not-found' });
        return ExitCode.failed;
      }
      context.out.event('forgotten', { address }, `forgot ${address}`);
      return ExitCode.done;
    } catch (error) {
      return failure(error, context);
    }
  },
};

function list(records: BondRecord[], context: CommandContext, location: string): number {
  const { out } = context;
  const exists = existsSync(location);
  if (records.length === 0)
    out.line(exists ? `no bonds in ${location}` : `no bonds: ${location} does not exist (yet)`);
  for (const record of records) {
    const ltk = record.peerLtk ?? record.localLtk;
    const keys = [
      record.peerLtk || record.localLtk ? 'LTK' : '',
      record.peerIrk ? 'IRK' : '',
      record.peerCsrk || record.localCsrk ? 'CSRK' : '',
    ].filter(Boolean);
    out.event(
      'bond',
      {
        address: record.address,
        sc: ltk?.sc ?? false,
        authenticated: ltk?.authenticated ?? false,
        keySize: ltk?.keySize ?? 0,
        keys,
        cccds: Object.keys(record.cccd ?? {}).length,
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
      },
      `${record.address.padEnd(26)} ${ltk?.sc ? 'LE SC ' : 'legacy'} ${ltk?.authenticated ? 'authenticated  ' : 'unauthenticated'} ${String((ltk?.keySize ?? 0) * 8).padStart(3)}-bit  ${keys.join('+').padEnd(12)} since ${record.createdAt}`,
    );
  }
  // One summary event, so that --json says something (count 0) when the store is empty.
  if (out.json) out.event('bonds', { location, exists, count: records.length }, '');
  return ExitCode.done;
}
