import { fromHex, toHex } from '@tsble/base';
import { Hci } from '@tsble/hci-transport';
import { describe, expect, it } from 'vitest';
import { VirtualAir } from './air.js';

const reversed = (hex: string) => fromHex(hex).reverse();

describe('LE Encrypt and LE Rand', () => {
  it('LE Encrypt is AES-128 with HCI’s octet order (FIPS-197 appendix C.1 vector)', async () => {
    const air = new VirtualAir();
    const hci = await Hci.open(air.createController());
    // HCI carries key and data least significant octet first; FIPS-197 prints them most significant first.
    const { encryptedData } = await hci.execute('leEncrypt', {
      key: reversed('000102030405060708090a0b0c0d0e0f'),
      plaintextData: reversed('00112233445566778899aabbccddeeff'),
    });
    expect(toHex(encryptedData.slice().reverse())).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    const a = await hci.execute('leRand', {});
    const b = await hci.execute('leRand', {});
    expect(toHex(a.randomNumber)).not.toBe(toHex(b.randomNumber));
    await hci.close();
    air.close();
  });

  it('accepts and stores resolving list entries', async () => {
    const air = new VirtualAir();
    const transport = air.createController();
    const hci = await Hci.open(transport);
    const entry = {
      peerIdentityAddressType: 1,
      peerIdentityAddress: Uint8Array.of(1, 2, 3, 4, 5, 0xc6),
      peerIrk: new Uint8Array(16).fill(1),
      localIrk: new Uint8Array(16).fill(2),
    };
    await hci.execute('leAddDeviceToResolvingList', entry);
    await hci.execute('leSetAddressResolutionEnable', { addressResolutionEnable: 1 });
    expect(transport.controller.state.resolving.entries).toEqual([{ ...entry, privacyMode: 0 }]);
    expect(transport.controller.state.addressResolution).toBe(true);
    expect((await hci.execute('leReadResolvingListSize', {})).resolvingListSize).toBe(8);
    await hci.execute('leRemoveDeviceFromResolvingList', {
      peerIdentityAddressType: 1,
      peerIdentityAddress: entry.peerIdentityAddress,
    });
    await expect(
      hci.execute('leRemoveDeviceFromResolvingList', {
        peerIdentityAddressType: 1,
        peerIdentityAddress: entry.peerIdentityAddress,
      }),
    ).rejects.toMatchObject({ code: 'command-failed', status: 0x02 });
    await hci.close();
    air.close();
  });

  it('keeps a filter accept list: add, remove, clear; a missing entry and a full list fail', async () => {
    const air = new VirtualAir();
    const transport = air.createController();
    const hci = await Hci.open(transport);
    const device = (n: number) => ({ addressType: 1, address: Uint8Array.of(n, 2, 3, 4, 5, 0xc6) });
    for (let n = 0; n < 8; n++) await hci.execute('leAddDeviceToFilterAcceptList', device(n));
    await expect(hci.execute('leAddDeviceToFilterAcceptList', device(8))).rejects.toMatchObject({
      code: 'command-failed',
      status: 0x07,
    });
    await hci.execute('leRemoveDeviceFromFilterAcceptList', device(3));
    expect(transport.controller.state.filterAcceptList).toHaveLength(7);
    await expect(hci.execute('leRemoveDeviceFromFilterAcceptList', device(3))).rejects.toMatchObject({
      code: 'command-failed',
      status: 0x02,
    });
    await hci.execute('leClearFilterAcceptList', {});
    expect(transport.controller.state.filterAcceptList).toEqual([]);
    await hci.close();
    air.close();
  });
});
