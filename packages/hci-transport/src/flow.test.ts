import { describe, expect, it } from 'vitest';
import { AclFlow } from './acl-flow.js';
import { CommandFlow } from './command-flow.js';
import { HciError } from './errors.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('CommandFlow', () => {
  it('sends only as many commands as granted, and matches completions by opcode', async () => {
    const sent: number[] = [];
    const flow = new CommandFlow(async (opcode) => {
      sent.push(opcode);
    });
    const a = flow.submit(0x1001, new Uint8Array(0), 1000);
    const b = flow.submit(0x1002, new Uint8Array(0), 1000);
    const c = flow.submit(0x1003, new Uint8Array(0), 1000);
    await tick();
    expect(sent).toEqual([0x1001]);
    // The controller grants three at once: both waiting commands go out.
    flow.onCommandComplete(3, 0x1001, Uint8Array.of(0, 7));
    await tick();
    expect(sent).toEqual([0x1001, 0x1002, 0x1003]);
    expect([...(await a)]).toEqual([7]);
    // A NOP (opcode 0) only updates the credit count; a completion for an unknown opcode is ignored.
    flow.onCommandComplete(0, 0x0000, new Uint8Array(0));
    flow.onCommandStatus(0x0c, 1, 0x1003);
    flow.onCommandComplete(1, 0x1002, Uint8Array.of(0));
    await expect(c).rejects.toMatchObject({ code: 'command-failed', status: 0x0c, opcode: 0x1003 });
    expect([...(await b)]).toEqual([]);
  });

  it('times out a command, gives the credit back, and fails everything when closed', async () => {
    const sent: number[] = [];
    const flow = new CommandFlow(async (opcode) => {
      sent.push(opcode);
    });
    const lost = flow.submit(0x0c03, new Uint8Array(0), 20);
    const next = flow.submit(0x1001, new Uint8Array(0), 1000);
    await expect(lost).rejects.toMatchObject({
      code: 'command-timeout',
      message: expect.stringMatching(/reset \(0x0c03\)/),
    });
    await tick();
    expect(sent).toEqual([0x0c03, 0x1001]);
    flow.failAll(new HciError('closed', 'closed'), true);
    await expect(next).rejects.toMatchObject({ code: 'closed' });
    await expect(flow.submit(0x1001, new Uint8Array(0), 10)).rejects.toMatchObject({ code: 'closed' });
  });

  it('fails waiting commands, naming them, when the controller grants no command credit and never more', async () => {
    const sent: number[] = [];
    const stalls: HciError[] = [];
    const flow = new CommandFlow(
      async (opcode) => {
        sent.push(opcode);
      },
      { creditTimeoutMs: 50, onCreditTimeout: (e) => stalls.push(e) },
    );
    const reset = flow.submit(0x0c03, new Uint8Array(0), 1000);
    // Reset completes, granting Num_HCI_Command_Packets 0: nothing more may be sent.
    flow.onCommandComplete(0, 0x0c03, Uint8Array.of(0));
    await reset;
    const started = performance.now();
    const version = flow.submit(0x1001, new Uint8Array(0), 1000);
    const features = flow.submit(0x1003, new Uint8Array(0), 1000);
    await expect(version).rejects.toMatchObject({
      code: 'no-command-credit',
      opcode: 0x1001,
      message: expect.stringMatching(/Read Local Version Information|0x1001/i),
    });
    await expect(features).rejects.toMatchObject({ code: 'no-command-credit', opcode: 0x1003 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(sent).toEqual([0x0c03]);
    expect(stalls).toHaveLength(1);
    // One credit is given back, so a later command (a Reset to recover) can still be tried.
    const retry = flow.submit(0x0c03, new Uint8Array(0), 1000);
    await tick();
    expect(sent).toEqual([0x0c03, 0x0c03]);
    flow.onCommandComplete(1, 0x0c03, Uint8Array.of(0));
    await retry;
  });

  it('does not start the credit deadline while a command in flight holds the only credit', async () => {
    const flow = new CommandFlow(async () => {}, { creditTimeoutMs: 20 });
    const first = flow.submit(0x1001, new Uint8Array(0), 1000);
    const second = flow.submit(0x1002, new Uint8Array(0), 1000);
    await new Promise((r) => setTimeout(r, 60));
    flow.onCommandComplete(1, 0x1001, Uint8Array.of(0));
    flow.onCommandComplete(1, 0x1002, Uint8Array.of(0));
    await first;
    await second;
  });

  it('times out a short command sent after a long one on its own deadline, and only that one', async () => {
    const flow = new CommandFlow(async () => {});
    const long = flow.submit(0x1001, new Uint8Array(0), 60_000);
    // A NOP grants a second credit so both are in flight at once.
    flow.onCommandComplete(1, 0x0000, new Uint8Array(0));
    const short = flow.submit(0x1002, new Uint8Array(0), 20);
    await expect(short).rejects.toMatchObject({ code: 'command-timeout', opcode: 0x1002 });
    expect(flow.outstanding).toBe(1);
    // The long one still completes normally, and a later command gets its own timeout.
    flow.onCommandComplete(1, 0x1001, Uint8Array.of(0, 9));
    expect([...(await long)]).toEqual([9]);
    await expect(flow.submit(0x1003, new Uint8Array(0), 20)).rejects.toMatchObject({ opcode: 0x1003 });
    flow.failAll(new HciError('closed', 'closed'), true);
  });
});

describe('AclFlow', () => {
  it('never has more packets in the controller than it has buffers, and ignores inflated completions', async () => {
    let inController = 0;
    let peak = 0;
    const flow = new AclFlow(2, async () => {
      inController++;
      peak = Math.max(peak, inController);
    });
    const sends = Array.from({ length: 6 }, () => flow.send(1, 0, Uint8Array.of(1)));
    await tick();
    expect(inController).toBe(2);
    expect(flow.queued).toBe(4);
    // A controller that claims 5 completed when it holds 2 must not open the gate wider than 2.
    inController -= 2;
    flow.onCompleted(1, 5);
    await tick();
    expect(flow.credits).toBe(0);
    expect(inController).toBe(2);
    inController -= 2;
    flow.onCompleted(1, 2);
    await tick();
    inController -= 2;
    flow.onCompleted(1, 2);
    await Promise.all(sends);
    expect(peak).toBe(2);
    expect(flow.credits).toBe(2);
  });

  it('frees a disconnected handle’s buffers and fails only its queued packets', async () => {
    const flow = new AclFlow(1, async () => undefined);
    const first = flow.send(1, 0, Uint8Array.of(1));
    const queuedOther = flow.send(2, 0, Uint8Array.of(2));
    const queuedSame = flow.send(1, 1, Uint8Array.of(3));
    await first;
    flow.onDisconnected(1, new HciError('acl-disconnected', 'gone'));
    await expect(queuedSame).rejects.toMatchObject({ code: 'acl-disconnected' });
    await expect(queuedOther).resolves.toBeUndefined();
  });
});
