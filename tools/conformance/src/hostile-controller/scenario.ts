/**
 * One hostile-controller case's world: a fresh air, the hostile controller on a unix socket, the host under
 * test (the IUT, a tsble Host opened on `unix:PATH`), and an honest peer (another Host on its own in-process
 * virtual controller on the same air) to make a link with and to ask ATT questions over it.
 */

import type { Connection } from '@tsble/host';
import { Host, type HostOptions, MemoryBondStore } from '@tsble/host';
import { VirtualAir } from '@tsble/virtual-controller';
import type { Logger } from 'pino';
import { settle, within } from '../case.js';
import { IUT_UUIDS, iutService } from '../iut-service.js';
import { HostileController, type Misbehaviour } from './proxy.js';

export interface LogLine {
  level: 'fatal' | 'error' | 'warn' | 'info';
  message: string;
  detail: unknown;
}

/** A logger of pino's shape that keeps info and above, so a case can check what the IUT said. */
function recordingLogger(lines: LogLine[]): Logger {
  const at =
    (level: LogLine['level']) =>
    (detail: unknown, message?: string): void => {
      if (lines.length > 5000) return;
      lines.push({
        level,
        message: typeof detail === 'string' ? detail : (message ?? ''),
        detail,
      });
    };
  const ignore = (): void => {};
  const logger = {
    level: 'info',
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: ignore,
    trace: ignore,
    silent: ignore,
    child: () => logger,
    bindings: () => ({}),
    setBindings: ignore,
    isLevelEnabled: (level: string) => level !== 'debug' && level !== 'trace',
    flush: ignore,
  };
  return logger as unknown as Logger;
}

export interface LinkUnderTest {
  /** The IUT's side (peripheral). */
  iut: Connection;
  /** The honest peer's side (central). */
  peer: Connection;
}

export class Scenario {
  readonly air = new VirtualAir({ advertisingIntervalMs: 5 });
  /** What the hostile controller does; a case may replace its members at any time. */
  readonly behaviour: Misbehaviour = {};
  readonly logs: LogLine[] = [];
  /** Every `connection` and `disconnection` the IUT reported, in order. */
  readonly iutEvents: string[] = [];
  /** Errors the IUT emitted (`error` events). */
  readonly iutErrors: Error[] = [];
  hostile!: HostileController;
  iut: Host | undefined;
  peer: Host | undefined;

  async start(): Promise<void> {
    this.hostile = await HostileController.listen(this.air, this.behaviour);
  }

  /** Opens the IUT on the hostile controller's socket. */
  async openIut(options: HostOptions = {}): Promise<Host> {
    const host = await Host.open(this.hostile.spec, {
      bondStore: new MemoryBondStore(),
      gatt: { services: [iutService()] },
      logger: recordingLogger(this.logs),
      ...options,
    });
    host.on('connection', (c) => this.iutEvents.push(`connection 0x${c.handle.toString(16)}`));
    host.on('disconnection', (c, reason) =>
      this.iutEvents.push(`disconnection 0x${c.handle.toString(16)} reason 0x${reason.toString(16)}`),
    );
    host.on('error', (error) => this.iutErrors.push(error));
    this.iut = host;
    return host;
  }

  /** The IUT advertises, the peer connects to it: resolves with both ends. */
  async link(options: { advertise?: boolean } = {}): Promise<LinkUnderTest> {
    const iut = this.iut ?? (await this.openIut());
    this.peer ??= await Host.open(this.air.createController({ name: 'peer' }), {
      bondStore: new MemoryBondStore(),
    });
    if (options.advertise ?? true) await iut.advertise({ name: 'iut' });
    const accepted = iut.accept();
    const peer = await this.peer.connect(iut.currentAddress, { timeoutMs: 4000 });
    const settled = await within(accepted, 4000);
    if (!settled?.ok) throw new Error('the IUT did not report the connection the peer made');
    return { iut: settled.value, peer };
  }

  /**
   * Whether the link still answers ATT: the peer reads the demo service's open characteristic from the IUT
   * (a request through the hostile controller both ways) within `ms`.
   */
  async attAnswers(link: LinkUnderTest, ms = 5000): Promise<boolean> {
    const read = await within(link.peer.gatt.read(IUT_UUIDS.service, IUT_UUIDS.open), ms);
    return read?.ok === true && new TextDecoder().decode(read.value) === 'open';
  }

  /** Warnings and errors the IUT logged whose message matches. */
  logged(pattern: RegExp): LogLine[] {
    return this.logs.filter((l) => (l.level === 'warn' || l.level === 'error') && pattern.test(l.message));
  }

  async close(): Promise<void> {
    await settle(Promise.all([this.iut?.close(), this.peer?.close()]));
    await settle(this.hostile?.close() ?? Promise.resolve());
    this.air.close();
  }
}
