import { registerTransportScheme } from '@tsble/hci-transport';
import { VirtualAir } from './air.js';
import type { ControllerOptions } from './options.js';

let defaultAir: VirtualAir | undefined;

/** The air `sim` transports share within this process (created on first use). */
export function getDefaultAir(): VirtualAir {
  defaultAir ??= new VirtualAir();
  return defaultAir;
}

/**
 * Makes `openTransport('sim')` (and `Hci.open('sim')`) create a controller on `air` (default: one shared air
 * per process, so two hosts opened with `sim` can see and connect to each other). `sim:zephyr` gives the
 * Zephyr personality and `sim:strict` strict mode; options given here apply to every controller.
 */
export function registerSimTransport(
  air: VirtualAir = getDefaultAir(),
  options: ControllerOptions = {},
): VirtualAir {
  registerTransportScheme('sim', async (rest) => {
    const flags = new Set(rest.split(',').filter((s) => s !== ''));
    return air.createController({
      ...options,
      ...(flags.has('zephyr') ? { zephyr: true } : {}),
      ...(flags.has('strict') ? { strict: true } : {}),
    });
  });
  return air;
}
