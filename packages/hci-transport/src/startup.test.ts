/**
 * The start-up sequence against a scripted controller: which commands it sends, and that after Reset it
 * queues the ones whose answers it does not need before sending them, instead of one per answer.
 */
import { silentLogger } from '@tsble/base';
import { describe, expect, it } from 'vitest';
import type { CommandName } from './commands.js';
import { HciCommandError } from './errors.js';
import { bringUp, type StartupContext } from './startup.js';

interface Pending {
  name: CommandName;
  params: unknown;
  answer: (returns: unknown) => void;
  fail: (error: Error) => void;
}

/** A context whose commands wait until the test answers them: `pending` is what was asked and not answered. */
function scriptedController() {
  const pending: Pending[] = [];
  const asked: CommandName[] = [];
  const ctx: StartupContext = {
    execute: ((name: CommandName, params: unknown) => {
      asked.push(name);
      return new Promise((answer, fail) => pending.push({ name, params, answer, fail }));
    }) as StartupContext['execute'],
    command: () => Promise.reject(new Error('no vendor commands here')),
    description: 'scripted',
    logger: silentLogger,
  };
  const answer = (name: CommandName, returns: unknown = {}) => {
    const index = pending.findIndex((p) => p.name === name);
    if (index < 0) throw new Error(`${name} was not asked`);
    const [command] = pending.splice(index, 1);
    command?.answer(returns);
  };
  return { ctx, pending, asked, answer };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

const supportsBufferV2 = () => {
  const supportedCommands = new Uint8Array(64);
  supportedCommands[41] = 0x20; // octet 41 bit 5: LE Read Buffer Size v2
  return supportedCommands;
};

const version = {
  hciVersion: 0x0d,
  hciSubversion: 1,
  lmpVersion: 0x0d,
  companyIdentifier: 0xffff,
  lmpSubversion: 1,
};

describe('bringUp', () => {
  it('after Reset queues every command it needs no answer for, then asks the buffer size', async () => {
    const { ctx, pending, asked, answer } = scriptedController();
    const up = bringUp(ctx, { resetTimeoutMs: 1000, randomBytes: (n) => new Uint8Array(n).fill(7) });
    await settle();
    expect(asked).toEqual(['reset']);
    answer('reset');
    await settle();
    // Not one per answer: six commands wait in the command flow at once, in this order.
    expect(pending.map((p) => p.name)).toEqual([
      'readLocalVersionInformation',
      'readLocalSupportedCommands',
      'leReadLocalSupportedFeatures',
      'setEventMask',
      'leSetEventMask',
      'readBdAddr',
    ]);
    answer('readLocalSupportedCommands', { supportedCommands: supportsBufferV2() });
    await settle();
    expect(pending.at(-1)?.name).toBe('leReadBufferSizeV2');
    answer('readLocalVersionInformation', version);
    answer('leReadLocalSupportedFeatures', { leFeatures: Uint8Array.of(0x40, 0, 0, 0, 0, 0, 0, 0) });
    answer('setEventMask');
    answer('leSetEventMask');
    answer('readBdAddr', { bdAddr: Uint8Array.of(1, 2, 3, 4, 5, 6) });
    answer('leReadBufferSizeV2', { leAclDataPacketLength: 251, totalNumLeAclDataPackets: 4 });
    const info = await up;
    expect(info).toMatchObject({
      addressType: 'public',
      addressSource: 'public',
      manufacturer: 0xffff,
      leAclDataPacketLength: 251,
      totalNumLeAclDataPackets: 4,
      bufferSizeSource: 'le-v2',
    });
    expect(info.address).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6));
    // Eight commands; the BR/EDR features (Read Local Supported Features) are not asked.
    expect(asked).toHaveLength(8);
    expect(asked).not.toContain('readLocalSupportedFeatures');
  });

  it('fails with the first failure and leaves no rejection unhandled', async () => {
    const { ctx, pending, answer } = scriptedController();
    const up = bringUp(ctx, { resetTimeoutMs: 1000, randomBytes: (n) => new Uint8Array(n) });
    await settle();
    answer('reset');
    await settle();
    const failure = new HciCommandError(0x1001, 0x01);
    for (const command of pending.splice(0)) command.fail(failure);
    await expect(up).rejects.toBe(failure);
  });
});
