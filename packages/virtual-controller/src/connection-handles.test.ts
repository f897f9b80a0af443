import { HciStatus, type LeConnectionComplete } from '@tsble/hci-transport';
import { describe, expect, it } from 'vitest';
import { createConnection, openLinkedPair } from './linked-pair.js';

// Core 6.0 Vol 4 Part E 5.4.2: a Connection_Handle is 0x0000 to 0x0EFF. A controller that has made 0x0EFF
// connections must wrap, not hand out 0x0F00: a host refuses that handle (hci-transport drops the event as
// impossible) and its connect waits forever; the bench's connect/pair/disconnect case hung after 3,839 runs.
describe('connection handles', () => {
  it('stay within 0x0001-0x0EFF over more than 0x0EFF connections on one controller', async () => {
    const pair = await openLinkedPair();
    const { central, peripheral } = pair;
    const handles: number[] = [pair.centralHandle];
    let handle = pair.centralHandle;
    for (let i = 0; i < 0x0eff; i++) {
      const gone = central.next('disconnection');
      await central.execute('disconnect', {
        connectionHandle: handle,
        reason: HciStatus.remoteUserTerminatedConnection,
      });
      await gone;
      await peripheral.execute('leSetAdvertisingEnable', { advertisingEnable: 1 });
      const connected = central.next('connectionComplete');
      await createConnection(central, peripheral);
      // A Connection Complete the host refuses never arrives: fail at once, naming the connection.
      const [event] = await Promise.race([
        connected,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`connection ${i + 2}: no Connection Complete`)), 2000),
        ),
      ]);
      handle = (event as LeConnectionComplete).connectionHandle;
      handles.push(handle);
    }
    expect(handles).toHaveLength(0x0f00);
    expect(handles.filter((h) => h < 1 || h > 0x0eff)).toEqual([]);
    await pair.close();
  }, 60_000);
});
