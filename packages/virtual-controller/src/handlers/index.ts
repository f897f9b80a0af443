import { acceptListHandlers } from './accept-list.js';
import { advertisingHandlers } from './advertising.js';
import { basicHandlers } from './basic.js';
import { configurationHandlers } from './configuration.js';
import { connectionHandlers } from './connection.js';
import { privacyHandlers } from './privacy.js';
import type { Handler } from './reply.js';

export type { Handler, Reply } from './reply.js';

/** Every command the virtual controller implements, by opcode; anything else gets Unknown HCI Command. */
export const commandHandlers: ReadonlyMap<number, Handler> = new Map([
  ...basicHandlers,
  ...advertisingHandlers,
  ...connectionHandlers,
  ...configurationHandlers,
  ...privacyHandlers,
  ...acceptListHandlers,
]);
