import { HostError, PairingError } from '@tsble/host';
import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { Output, UsageError } from '../options.js';
import type { CommandContext } from './command.js';
import { failure } from './host-session.js';
import { Progress } from './progress.js';

function contextWith(values: CommandContext['values'] = {}): { context: CommandContext; lines: string[] } {
  const lines: string[] = [];
  const out = new Output(
    true,
    (t) => lines.push(t),
    (t) => lines.push(t),
  );
  const context = {
    options: {} as CommandContext['options'],
    values,
    positionals: [],
    out,
    progress: new Progress(true),
    logger: {} as Logger,
    signal: new AbortController().signal,
  } satisfies CommandContext;
  return { context, lines };
}

describe('failure: exit statuses of the contract (1 failed, 2 usage, 3 transport or controller)', () => {
  it('a controller that refuses is 3, with an error event carrying the code', () => {
    const { context, lines } = contextWith();
    expect(
      failure(new HostError('controller', 'the controller could not connect (HCI status 0x07)'), context),
    ).toBe(3);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ event: 'error', code: 'controller' });
  });

  it('a failed pairing is 1, with the reason in words and a hint', () => {
    const { context, lines } = contextWith({ io: 'none' });
    expect(failure(new PairingError(0x03, false, false, 'MITM protection required'), context)).toBe(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      event: 'pairing-failed',
      reason: 3,
      reasonName: 'Authentication Requirements',
    });
  });

  it('a host timeout is 1; bad arguments become usage errors (exit 2 in main)', () => {
    const { context } = contextWith();
    expect(failure(new HostError('connect-timeout', 'x'), context)).toBe(1);
    expect(() => failure(new HostError('invalid-argument', 'bad'), context)).toThrow(UsageError);
  });
});
