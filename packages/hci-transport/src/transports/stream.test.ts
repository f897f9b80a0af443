import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeH4, type HciPacket } from '../packet.js';
import { openUnixTransport } from './socket.js';

async function serve(): Promise<{ path: string; peer: Promise<Socket>; close: () => void }> {
  const path = join(tmpdir(), `tsble-stream-${process.pid}-${Math.random().toString(16).slice(2)}.sock`);
  let accept: (s: Socket) => void = () => undefined;
  const peer = new Promise<Socket>((r) => (accept = r));
  const server = createServer((s) => accept(s));
  await new Promise<void>((r) => server.listen(path, r));
  return { path, peer, close: () => server.close() };
}

const event: HciPacket = { type: 'event', code: 0x0e, params: Uint8Array.of(1, 3, 0x0c, 0) };

describe('H4 over a stream socket', () => {
  it('resynchronises after a stray header-like byte once the line is idle', async () => {
    const server = await serve();
    const transport = await openUnixTransport(server.path, { staleAfterMs: 30 });
    const peer = await server.peer;
    const got: HciPacket[] = [];
    transport.on('packet', (p) => got.push(p));
    // A stray 0x04 0xff 0x30 announces a 48-octet vendor event that never comes and swallows the real one.
    peer.write(Uint8Array.from([0x04, 0xff, 0x30, ...encodeH4(event)]));
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toContainEqual(event);
    peer.write(encodeH4(event));
    await new Promise((r) => setTimeout(r, 50));
    expect(got.filter((p) => p.type === 'event' && p.code === 0x0e).length).toBeGreaterThanOrEqual(2);
    await transport.close();
    server.close();
  });

  it('once in sync, completes a Command Complete split 300 ms apart (longer than the open-time idle limit)', async () => {
    const server = await serve();
    const transport = await openUnixTransport(server.path);
    const peer = await server.peer;
    const got: HciPacket[] = [];
    transport.on('packet', (p) => got.push(p));
    peer.write(encodeH4(event));
    await new Promise((r) => setTimeout(r, 50));
    const info: HciPacket = {
      type: 'event',
      code: 0x0e,
      params: Uint8Array.of(1, 0x01, 0x10, 0, 9, 1, 2, 3, 4, 5, 6, 7),
    };
    const bytes = encodeH4(info);
    peer.write(bytes.subarray(0, 5));
    await new Promise((r) => setTimeout(r, 300));
    peer.write(bytes.subarray(5));
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([event, info]);
    expect(transport.droppedBytes).toBe(0);
    await transport.close();
    server.close();
  });

  it('reports the other end going away as a typed error, then close', async () => {
    const server = await serve();
    const transport = await openUnixTransport(server.path);
    const peer = await server.peer;
    const error = new Promise((r) => transport.once('error', r));
    const closed = new Promise<void>((r) => transport.once('close', r));
    peer.destroy();
    expect(await error).toMatchObject({ code: 'transport-closed' });
    await closed;
    expect(transport.closed).toBe(true);
    await expect(transport.send(event)).rejects.toMatchObject({ code: 'transport-closed' });
    server.close();
  });
});
