/**
 * A spoofing GATT server for the lower tester (BLESA): it answers discovery and reads in plaintext with one
 * service and one readable characteristic, exactly as an impersonator of a bonded device would, without ever
 * asking for encryption. Raw ATT octets (Core 6.0 Vol 3 Part F 3.4).
 */
import { uuidToBytes } from '@tsble/att-gatt';
import type { LowerTester } from './link.js';

const ATT_CID = 0x0004;
const SERVICE_END = 0x0005;
const VALUE_HANDLE = 0x0003;

function errorResponse(request: number, handle: number, code = 0x0a): Uint8Array {
  return Uint8Array.of(0x01, request, handle & 0xff, handle >> 8, code);
}

/**
 * Answers ATT requests until `stop()`; counts the reads of the value it served and keeps every PDU it does
 * not answer (commands such as Signed Write) in `others`.
 */
export function spoofGattServer(
  lt: LowerTester,
  serviceUuid: string,
  characteristicUuid: string,
  value: Uint8Array,
): { stop: () => void; reads: () => number; others: Uint8Array[] } {
  let running = true;
  let reads = 0;
  const others: Uint8Array[] = [];
  const answer = (pdu: Uint8Array): Uint8Array | undefined => {
    const view = new DataView(pdu.buffer, pdu.byteOffset, pdu.byteLength);
    const start = pdu.length >= 3 ? view.getUint16(1, true) : 0;
    switch (pdu[0]) {
      case 0x02: // Exchange MTU
        return Uint8Array.of(0x03, 23, 0);
      case 0x10: // Read By Group Type: one primary service
        return start <= 1
          ? Uint8Array.of(0x11, 20, 0x01, 0x00, SERVICE_END, 0x00, ...uuidToBytes(serviceUuid))
          : errorResponse(0x10, start);
      case 0x06: // Find By Type Value: the service by UUID
        return start <= 1 ? Uint8Array.of(0x07, 0x01, 0x00, SERVICE_END, 0x00) : errorResponse(0x06, start);
      case 0x08: // Read By Type: characteristic declarations
        return start <= 2
          ? Uint8Array.of(0x09, 21, 0x02, 0x00, 0x02, VALUE_HANDLE, 0x00, ...uuidToBytes(characteristicUuid))
          : errorResponse(0x08, start);
      case 0x04: // Find Information
        return errorResponse(0x04, start);
      case 0x0a: // Read
        reads++;
        return Uint8Array.of(0x0b, ...value);
      default:
        return undefined;
    }
  };
  void (async () => {
    while (running) {
      const pdu = await lt.receive(ATT_CID, 200);
      if (!pdu || !lt.connected) continue;
      const reply = answer(pdu);
      if (reply) await lt.sendFrame(ATT_CID, reply).catch(() => undefined);
      else others.push(pdu);
    }
  })();
  return {
    stop: () => {
      running = false;
    },
    reads: () => reads,
    others,
  };
}
