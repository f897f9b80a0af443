/**
 * The fixtures behind the whole-stack figures: if they measured the wrong thing (another pairing method,
 * no bond stored, a stack that never came up), every figure built on them would be wrong.
 */
import { VirtualAir } from '@tsble/virtual-controller';
import { describe, expect, it } from 'vitest';
import {
  inBleHostStorage,
  openBleManager,
  openCreditChannelBleHosts,
  openNotifyingBleHosts,
  timeBleHostPairing,
} from './ble-host-peers.js';
import { notificationPump, pumpSdus } from './throughput.js';
import {
  openCreditChannelHosts,
  openNotifyingHosts,
  type PairingScenarioName,
  pairingScenarios,
  timeHostPairing,
} from './tsble-peers.js';

describe('tsble fixtures', () => {
  it.each(Object.keys(pairingScenarios) as PairingScenarioName[])(
    '%s ends in that method with bonds on both sides',
    async (name) => {
      // timeHostPairing throws when the method, LE SC or the stored bonds are not what the scenario says.
      expect(await timeHostPairing(pairingScenarios[name])).toBeGreaterThan(0);
    },
  );

  it('pumps every notification through the whole stack', async () => {
    const { hosts, ends } = await openNotifyingHosts();
    try {
      let arrived = 0;
      ends.onNotification(() => arrived++);
      const result = await notificationPump(ends, { window: 64 })(1000);
      expect(result.count).toBe(1000);
      expect(arrived).toBe(1000);
      expect(result.cpuMicros).toBeGreaterThan(0);
    } finally {
      await hosts.close();
    }
  });
});

describe('ble-host on the virtual controller', () => {
  it('initialises through the adapter, every command reaching the controller', async () => {
    const air = new VirtualAir();
    const opened = await inBleHostStorage(() => openBleManager(air));
    const controller = [...air.controllers][0];
    opened.close();
    air.close();
    expect(controller?.commandLog).toContain(0x0c03); // HCI_Reset reached the controller
    expect(controller?.commandLog).toContain(0x2010); // LE Clear Filter Accept List, answered by the controller
  });

  it('pairs with LE Secure Connections and notifies', async () => {
    expect(await timeBleHostPairing()).toBeGreaterThan(0);
    await inBleHostStorage(async () => {
      const { hosts, ends } = await openNotifyingBleHosts();
      try {
        let arrived = 0;
        ends.onNotification(() => arrived++);
        await notificationPump(ends, { window: 64 })(1000);
        expect(arrived).toBe(1000);
      } finally {
        hosts.close();
      }
    });
  });
});

describe('credit-based channels of both stacks', () => {
  // 1 MB is about 1,500 PDUs of up to 1004 octets: beyond the 500 initial credits, so credits must flow back.
  it('tsble carries 1 MB, peripheral to central', async () => {
    const { hosts, ends } = await openCreditChannelHosts({ mtu: 2048, mps: 1004, initialCredits: 500 });
    try {
      expect(await pumpSdus(ends, 1)).toBeGreaterThan(0);
    } finally {
      await hosts.close();
    }
  });

  it('ble-host carries 1 MB, peripheral to central', async () => {
    await inBleHostStorage(async () => {
      const { hosts, ends } = await openCreditChannelBleHosts(2048);
      try {
        expect(await pumpSdus(ends, 1)).toBeGreaterThan(0);
      } finally {
        hosts.close();
      }
    });
  });
});
