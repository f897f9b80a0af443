/**
 * `tsble write ADDRESS UUID VALUE`: connect, encrypt if bonded, write; on Insufficient Encryption/Authentication
 * pair and retry, as `read` does.
 */
import { hexNumber } from '@tsble/base';
import { AttErrorCode } from '@tsble/host';
import { ExitCode, UsageError } from '../options.js';
import type { CliCommand } from './command.js';
import { attErrorName, attErrorOf } from './explain.js';
import { findCharacteristic } from './notify.js';
import { OperationError, type Step, steps } from './operation-deadline.js';
import { parsePairingOptions, withOob } from './pairing-options.js';
import { withPeer } from './peer-session.js';
import { UUID_TEXT } from './uuid-text.js';
import { hexOctets, parseValue } from './value-text.js';

// Core 6.0 Vol 3 Part G 3.3.1.1: characteristic property bits.
const WRITE_WITHOUT_RESPONSE = 0x04;
const WRITE = 0x08;

const writing = (uuid: string, address: string): Step => ({
  code: 'timeout',
  describe: (s) => `writing ${uuid} on ${address} did not finish within ${s} s`,
});

export const write: CliCommand = {
  async run(context) {
    const { progress, values } = context;
    const pairing = await withOob(parsePairingOptions(values));
    const [, uuid, text] = context.positionals;
    if (uuid === undefined || text === undefined)
      throw new UsageError(
        'write needs ADDRESS, UUID and VALUE, like tsble write F0:F1:F2:F3:F4:F5/random b1e50004-3c9b-4e7a-9f1d-5e2a7c4d8b00 hello',
      );
    if (!UUID_TEXT.test(uuid.trim()))
      throw new UsageError(
        `"${uuid}" is not a UUID: give 4 hex digits (2a00) or 128 bits (b1e50004-3c9b-4e7a-9f1d-5e2a7c4d8b00)`,
      );
    if (values.hex === true && values.text === true) throw new UsageError('give --hex or --text, not both');
    const value = parseValue(text, values.hex === true);
    if (value === undefined)
      throw new UsageError(`--hex: "${text}" is not hex octets (like 0102ff or "01 02 ff")`);
    const withoutResponse = values['without-response'] === true;
    return withPeer(context, pairing, async ({ connection, deadline }) => {
      const peer = connection.identity;
      connection.gatt.autoSecurity = { pair: true, pairOptions: pairing.options };
      if (connection.bonded && connection.role === 'central') {
        progress.show('encrypting from the bond');
        await deadline.run(steps.encrypting(peer), () => connection.encrypt());
      }
      progress.show(`writing ${uuid}`);
      const client = connection.gatt.client;
      const step = writing(uuid, peer);
      const characteristic = await deadline.run(step, () => findCharacteristic(client, uuid, peer));
      const wanted = withoutResponse ? WRITE_WITHOUT_RESPONSE : WRITE;
      if ((characteristic.properties & wanted) === 0)
        throw new OperationError(
          'att-error',
          withoutResponse
            ? `${uuid} on ${peer} does not take Write Without Response${characteristic.properties & WRITE ? '; write it without --without-response' : ''}`
            : `${uuid} on ${peer} cannot be written${characteristic.properties & WRITE_WITHOUT_RESPONSE ? '; it takes --without-response' : ''}`,
          { attError: AttErrorCode.writeNotPermitted },
        );
      const handle = characteristic.valueHandle;
      try {
        await deadline.run(step, () =>
          withoutResponse
            ? client.writeWithoutResponse(handle, value)
            : connection.gatt.secured(() => client.write(handle, value)),
        );
      } catch (error) {
        const att = attErrorOf(error);
        if (!att) throw error;
        throw new OperationError(
          'att-error',
          `writing ${uuid} on ${peer} failed: ${attErrorName(att.code) ?? 'ATT error'} (${hexNumber(att.code)})`,
          { attError: att.code },
        );
      } finally {
        progress.done();
      }
      context.out.event(
        'written',
        { address: peer, uuid, handle, value, withoutResponse },
        `wrote ${value.length} octet${value.length === 1 ? '' : 's'} (${hexOctets(value) || 'empty'}) to ${uuid}${withoutResponse ? ' without response' : ''}`,
      );
      await connection.disconnect();
      return ExitCode.done;
    });
  },
};
