/**
 * Host: the user-facing stack on one controller. `Host.open(spec, options)` brings the controller up, loads
 * the bond store and our identity, and from then on turns HCI events into `Connection`s (either role),
 * advertisements and security changes.
 */

import type { GattServer } from '@tsble/att-gatt';
import {
  type Address,
  addressFromBytes,
  formatAddress,
  type Logger,
  parseAddress,
  randomAddressKind,
  silentLogger,
  TypedEmitter,
  withBindings,
} from '@tsble/base';
import {
  Hci,
  HciAbortError,
  HciAddressType,
  HciError,
  type HciOptions,
  HciStatus,
  type HciTransport,
  HciTransportError,
  type LeConnectionComplete,
} from '@tsble/hci-transport';
import { RepeatedAttemptsTracker } from '@tsble/smp-core';
import { installNodeCrypto } from '@tsble/smp-core/node';
import { type AdvertiseOptions, startAdvertising, stopAdvertising } from './advertising.js';
import type { BondStore } from './bond-store/bond-store.js';
import { FileBondStore } from './bond-store/file-bond-store.js';
import { type ConnectOptions, Connector } from './connecting.js';
import type { Connection, ConnectionParameterPolicy, PairOptions } from './connection.js';
import type { ConnectionSecurity } from './connection-security.js';
import { setUpConnection } from './connection-setup.js';
import { ControllerPeerResolution } from './controller-privacy.js';
import { HostError } from './errors.js';
import { createGattServer, type GattSetup } from './gatt-glue.js';
import { keyPairPool } from './key-pair-pool.js';
import type { PairingDelegate } from './pairing-delegate.js';
import { localIdentityToSave, localIrkOf, PeerResolver, RpaRotator } from './privacy.js';
import type { Advertisement } from './scan-reports.js';
import { Scanner, type ScanOptions } from './scanning.js';

export interface HostOptions {
  /** A bond store, or the path of the JSON file to keep bonds in (default `./ble_secrets.json`). */
  bondStore?: BondStore | string;
  /** What to do with a corrupt bond file: refuse to start (default) or keep a copy and start empty. */
  onCorruptBondStore?: 'fail' | 'keep-copy';
  /** A pino logger; without one the host logs nothing (and costs nothing to log). */
  logger?: Logger;
  /**
   * P-256 for LE Secure Connections: `'node'` (default) switches smp-core to node:crypto's native ECDH, the
   * fastest in Node; `'default'` leaves smp-core's provider as it is (WebCrypto, unless the application set
   * its own with `setCryptoProvider`). smp-core's provider is process-wide: see the README.
   */
  crypto?: 'node' | 'default';
  /** Capture every HCI packet to this btsnoop file. */
  btsnoop?: string;
  /** Our own static random address, `C0:11:22:33:44:55` (with or without `/random`). */
  address?: string;
  /** Use a resolvable private address as our own, rotated every `rotationMs` (default 15 minutes). */
  privacy?: boolean | { rotationMs?: number };
  /** Pairing defaults: used to answer peers that pair with us, and as the base of `Connection.pair()`. */
  pairing?: PairOptions;
  /** Answers pairing questions (accept?, passkeys, numeric comparison). */
  delegate?: PairingDelegate;
  /** Our GATT server's services and the device name (GAP). */
  gatt?: GattSetup;
  /**
   * Let the controller resolve bonded peers' resolvable private addresses when it keeps a resolving list (LL
   * Privacy): their IRKs are written into it and kept in step with the bond store. Default true; the host's
   * own resolver stays as the fallback (controllers without LL Privacy, peers beyond the list's size).
   */
  controllerPrivacy?: boolean;
  /** As central: how a peripheral's Connection Parameter Update Request is answered (default 'accept'). */
  connectionParameters?: ConnectionParameterPolicy;
  /**
   * Ends `open` at once when aborted (Ctrl-C, SIGTERM): the controller's start-up stops, the transport is
   * closed, and `open` rejects with hci-transport's HciAbortError (name 'AbortError', code 'aborted').
   */
  signal?: AbortSignal;
}

export type HostEventMap = {
  /** A device advertised (while scanning). */
  advertisement: (advertisement: Advertisement) => void;
  /** A new connection, in either role. */
  connection: (connection: Connection) => void;
  /** A connection ended. */
  disconnection: (connection: Connection, reason: number) => void;
  /**
   * The controller reported a Hardware Error, was reset and started again, and what the host had configured
   * was applied again (`restored`: 'address', 'advertising', 'scanning'). Connections were lost (each got a
   * `disconnection`, reason 0x03). When restoring fails, `error` (HciError 'hardware-error') comes instead.
   */
  controllerReset: (restored: string[]) => void;
  error: (error: Error) => void;
};

let simRegistered = false;

/**
 * The virtual controller, loaded for the `sim` transport only: it is an optional peer dependency, so an
 * application on a real controller does not install it.
 */
async function loadVirtualController(spec: string): Promise<typeof import('@tsble/virtual-controller')> {
  try {
    return await import('@tsble/virtual-controller');
  } catch (cause) {
    throw new HciTransportError(
      'transport-not-found',
      spec,
      `the ${spec} transport is tsble's virtual controller: npm install @tsble/virtual-controller to use it`,
      { cause },
    );
  }
}

export class Host extends TypedEmitter<HostEventMap> {
  readonly #connections = new Map<number, Connection>();

  /** The live connections by handle (read-only: the host adds and removes them as the controller reports). */
  get connections(): ReadonlyMap<number, Connection> {
    return this.#connections;
  }
  /** Made at the first scan: it drops every report while it is not scanning, so nothing is missed before. */
  #scanner: Scanner | undefined;
  private readonly connector: Connector;
  private readonly resolver: PeerResolver;
  private readonly tracker = new RepeatedAttemptsTracker();
  private rotator: RpaRotator | undefined;
  private advertising: AdvertiseOptions | undefined;
  private closed = false;
  /** The controller's resolving list kept in step with the bonds (undefined: resolution stays in software). */
  private peerResolution: ControllerPeerResolution | undefined;
  /** The bonds changed while the controller refused list changes (busy): written before the next procedure. */
  private resolutionStale = false;
  private advertisingSteps: Promise<void> = Promise.resolve();
  private firstControllerFailure: HciError | undefined;
  /** Between a Hardware Error and the end of the controller's reset: nothing is sent but the restore. */
  private controllerResetting = false;
  /** Made by the `gattServer` getter when first asked for, or at open when the application declared services. */
  #gattServer: GattServer | undefined;
  /** The device name the lazily built server is given: options.gatt's as it was at open. */
  readonly #deviceName: string | undefined;

  private constructor(
    readonly hci: Hci,
    readonly bondStore: BondStore,
    /** Our identity address (public, or static random): distributed to peers when bonding. */
    readonly identityAddress: Address,
    private readonly localIrk: Uint8Array,
    private ownAddressType: number,
    private readonly options: HostOptions,
    readonly logger: Logger,
  ) {
    super();
    this.resolver = new PeerResolver(bondStore);
    // Without application services the server holds only GAP and GATT, which nothing reads before a client
    // connects: building them on every open cost about a tenth of it. Application services are built now, so
    // that a bad definition fails open and the server keeps the values they had at open.
    const gatt = options.gatt;
    this.#deviceName = gatt?.deviceName;
    const services = gatt?.services;
    if (
      (services !== undefined && !(Array.isArray(services) && services.length === 0)) ||
      (this.#deviceName !== undefined && typeof this.#deviceName !== 'string')
    )
      this.#gattServer = createGattServer(gatt, bondStore, logger);
    this.connector = new Connector(hci, () => this.ownAddressType);
    hci.on('connectionComplete', (event) => this.onConnectionComplete(event));
    hci.on('disconnection', (event) => this.onDisconnection(event.connectionHandle, event.reason));
    hci.on('acl', (handle, packetBoundary, data) =>
      this.#connections.get(handle)?.receiveAcl(packetBoundary, data),
    );
    hci.on('encryptionChange', (e) =>
      this.security(e.connectionHandle)?.onEncryptionChange(e.status, e.encryptionEnabled !== 0),
    );
    hci.on('keyRefresh', (e) => this.security(e.connectionHandle)?.onEncryptionChange(e.status, true));
    hci.on(
      'ltkRequest',
      (e) => void this.security(e.connectionHandle)?.onLtkRequest(e.randomNumber, e.encryptedDiversifier),
    );
    hci.on('error', (error) => {
      this.firstControllerFailure ??= error;
      this.emit('error', error);
    });
    hci.on('hardwareError', () => {
      this.controllerResetting = true;
    });
    hci.on('reset', () => void this.restoreAfterReset());
    hci.on('close', () => this.dropConnections(HciStatus.unspecifiedError));
  }

  /** Our GATT server: the services every connected client sees. */
  get gattServer(): GattServer {
    this.#gattServer ??= createGattServer(
      this.#deviceName === undefined ? undefined : { deviceName: this.#deviceName },
      this.bondStore,
      this.logger,
    );
    return this.#gattServer;
  }

  /**
   * Opens the controller named by `spec` (`sim`, `serial:/dev/ttyACM0`, `unix:/tmp/bt-server-le`, ... or a
   * transport object) and loads the bond store. Rejects with BondStoreError (corrupt or unreadable store),
   * HciError / HciTransportError (no controller), or HostError (bad options).
   */
  static async open(spec: string | HciTransport = 'sim', options: HostOptions = {}): Promise<Host> {
    const logger = options.logger ?? silentLogger;
    if ((options.crypto ?? 'node') === 'node') installNodeCrypto();
    // The first pairing's P-256 key pair is computed now, with the provider just chosen, not with the peer waiting.
    keyPairPool.prepare();
    const bondStore =
      typeof options.bondStore === 'object'
        ? options.bondStore
        : new FileBondStore(options.bondStore ?? 'ble_secrets.json', {
            onCorrupt: options.onCorruptBondStore ?? 'fail',
            onCorruptCopy: (copy, problem) =>
              logger.warn(
                { copy, problem },
                'the bond store was corrupt; a copy was kept and it starts empty',
              ),
          });
    await bondStore.load();
    if (options.signal?.aborted) throw new HciAbortError('host start-up');
    const configured = options.address !== undefined ? parseOwnAddress(options.address) : undefined;
    const localIrk = localIrkOf(bondStore);
    const stored = bondStore.localIdentity()?.staticAddress;
    const storedAddress = stored ? parseAddress(stored) : undefined;
    if (typeof spec === 'string' && spec.split(':')[0] === 'sim' && !simRegistered) {
      (await loadVirtualController(spec)).registerSimTransport();
      simRegistered = true;
    }
    // Named fields, not conditional spreads: V8 builds those literals slowly, and this is on every start-up.
    const hciOptions: HciOptions = { logger };
    if (options.signal) hciOptions.signal = options.signal;
    if (options.btsnoop) hciOptions.btsnoop = options.btsnoop;
    if (storedAddress?.ok) hciOptions.staticAddress = storedAddress.value.bytes;
    const hci = await Hci.open(spec, hciOptions);
    // The rest of start-up waits on the controller too: an abort closes it, which fails those waits at once.
    const onAbort = () => void hci.close();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const info = hci.info;
      let identity = addressFromBytes(info.address, info.addressType);
      // A fresh IRK, and a generated identity address, are kept so peers that bonded with us still know us
      // after a restart: one write for both (a file store's write is an fsync).
      const generated = info.addressSource === 'generated' ? formatAddress(identity) : undefined;
      const toSave = localIdentityToSave(bondStore, localIrk, generated);
      if (toSave) await bondStore.setLocalIdentity(toSave);
      if (configured) {
        await hci.execute('leSetRandomAddress', { randomAddress: configured.bytes });
        identity = configured;
      }
      const ownType = identity.type === 'public' ? HciAddressType.public : HciAddressType.random;
      const host = new Host(
        hci,
        bondStore,
        identity,
        localIrk,
        ownType,
        options,
        withBindings(logger, { layer: 'host' }),
      );
      if (options.privacy)
        await host.enablePrivacy(
          typeof options.privacy === 'object' ? options.privacy.rotationMs : undefined,
        );
      if (options.controllerPrivacy ?? true) {
        host.peerResolution = await ControllerPeerResolution.open(hci, bondStore, localIrk, host.logger);
        // Hci.open has just reset the controller: an empty list, resolution off. Without bonded peers that have
        // an IRK there is nothing to write, and open sends no resolving-list command.
        host.peerResolution?.controllerReset();
        await host.syncResolution();
      }
      if (options.signal?.aborted) throw new HciAbortError(`host start-up on ${hci.transport.description}`);
      return host;
    } catch (error) {
      await hci.close();
      if (options.signal?.aborted && !(error instanceof HciAbortError))
        throw new HciAbortError(`host start-up on ${hci.transport.description}`, { cause: error });
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * The first controller or transport failure since open (a command with no answer, no command credit, a
   * hardware error not recovered, a crash, the transport lost), also emitted as `error`. An application that
   * ends normally should still report it (the CLI exits 3): the controller may have died under a command whose
   * failure was shrugged off, such as the polite Disconnect of `close`.
   */
  get controllerFailure(): HciError | undefined {
    return this.firstControllerFailure;
  }

  /** The address we use on air right now (our RPA with privacy on, else the identity). */
  get currentAddress(): Address {
    const rpa = this.rotator?.current;
    return rpa ? addressFromBytes(rpa, 'random') : this.identityAddress;
  }

  /** With privacy on: switch to a fresh resolvable private address now (it also rotates on its timer). */
  async rotatePrivateAddress(): Promise<Address> {
    if (!this.rotator)
      throw new HostError('invalid-argument', 'privacy is off: open the host with { privacy: true }');
    return addressFromBytes(await this.rotator.rotate(), 'random');
  }

  /** Scan for advertisements; see ScanOptions. Also emitted as `advertisement` events. */
  scan(options: ScanOptions = {}): AsyncGenerator<Advertisement> {
    this.#scanner ??= new Scanner(
      this.hci,
      () => this.ownAddressType,
      (a) => this.resolver.resolve(a),
      (a) => this.emit('advertisement', a),
    );
    return this.#scanner.scan(options);
  }

  /**
   * Scans until a device advertises as `address` or, for a bonded peer that uses resolvable private
   * addresses, with an RPA that resolves to that identity; resolves with the address to connect to now.
   * Rejects with HostError('connect-timeout') when it is not seen in time.
   */
  async findAdvertiser(
    address: string | Address,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<Advertisement> {
    const wanted = typeof address === 'string' ? address : formatAddress(address);
    const timeoutMs = options.timeoutMs ?? 10_000;
    const scanOptions = { durationMs: timeoutMs, ...(options.signal ? { signal: options.signal } : {}) };
    for await (const advertisement of this.scan(scanOptions)) {
      if (advertisement.addressText === wanted || advertisement.identity === wanted) return advertisement;
    }
    throw new HostError('connect-timeout', `${wanted} was not seen advertising within ${timeoutMs / 1000} s`);
  }

  /** Start advertising; after a peripheral connection ends, advertising resumes with the same options. */
  async advertise(options: AdvertiseOptions = {}): Promise<void> {
    this.advertising = options;
    await this.advertisingStep(() => this.startAdvertisingNow(options));
  }

  async stopAdvertising(): Promise<void> {
    this.advertising = undefined;
    await this.advertisingStep(() => stopAdvertising(this.hci));
  }

  /**
   * Advertising changes one at a time (an application's advertise() and the resumption after a peripheral
   * connection would otherwise interleave their commands, and the controller refuses parameters while enabled).
   */
  private advertisingStep(step: () => Promise<void>): Promise<void> {
    const run = this.advertisingSteps.then(step);
    this.advertisingSteps = run.catch(() => undefined);
    return run;
  }

  private async startAdvertisingNow(options: AdvertiseOptions): Promise<void> {
    if (this.resolutionStale) {
      // The list cannot change while we advertise with resolution on: stop, write it, start again.
      await stopAdvertising(this.hci).catch(() => undefined);
      await this.syncResolution();
    }
    await startAdvertising(this.hci, this.ownAddressType, options);
  }

  /**
   * Connect to `address` (`F0:F1:F2:F3:F4:F5/random`, or an Address) as central. Rejects with
   * HostError('connect-timeout' | 'connect-cancelled') or the controller's error.
   */
  async connect(address: string | Address, options: ConnectOptions = {}): Promise<Connection> {
    const peer = typeof address === 'string' ? parseAddressOrThrow(address) : address;
    if (this.#scanner?.scanning) await this.#scanner.stop();
    if (this.resolutionStale) await this.syncResolution();
    const handle = await this.connector.connect(peer, options);
    const connection = this.#connections.get(handle);
    if (!connection)
      throw new HostError('controller', 'the controller reported a connection the host did not see');
    return connection;
  }

  /** Peripheral: resolves with the next connection a central makes to us. */
  async accept(options: { signal?: AbortSignal } = {}): Promise<Connection> {
    for (;;) {
      const [connection] = await this.next('connection', options.signal);
      if (connection.role === 'peripheral') return connection;
    }
  }

  /** Forget a peer: its bond leaves the store (and the file). */
  async forget(identity: string): Promise<boolean> {
    const forgotten = await this.bondStore.forget(identity);
    if (forgotten) await this.bondsChanged();
    return forgotten;
  }

  /** Writes the bonds into the controller's resolving list, or leaves it stale while the controller is busy. */
  private async syncResolution(): Promise<void> {
    const resolution = this.peerResolution;
    if (!resolution || this.closed) return;
    try {
      this.resolutionStale = (await resolution.sync()) === 'busy';
    } catch (error) {
      // Closed under the write (a bond made just before the application closed, as `tsble pair` does): the
      // controller is gone with its list, nothing refused anything.
      if (this.closed) return;
      // A controller that claims LL Privacy but fails it: the software resolver carries on alone.
      this.logger.warn(
        { err: error },
        'the controller refused its resolving list: peers resolved by the host',
      );
      this.peerResolution = undefined;
      this.resolutionStale = false;
    }
  }

  private async bondsChanged(): Promise<void> {
    if (!this.peerResolution) return;
    this.resolutionStale = true;
    await this.syncResolution();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rotator?.stop();
    // Disconnect politely, but never wait long for a controller that stopped answering.
    const goodbyes = [...this.#connections.values()].map((connection) =>
      Promise.race([connection.disconnect().catch(() => undefined), delay(2000)]),
    );
    await Promise.all(goodbyes);
    await this.hci.close();
    this.dropConnections(HciStatus.connectionTerminatedByLocalHost);
    // What the links saved on their way out (a bond's GATT state) is written before close resolves.
    await this.bondStore.settled?.();
  }

  /** The controller is gone (closed transport): every connection ends with it. */
  private dropConnections(reason: number): void {
    for (const [handle] of this.#connections) this.onDisconnection(handle, reason);
  }

  private async enablePrivacy(rotationMs?: number): Promise<void> {
    this.rotator = new RpaRotator({
      irk: this.localIrk,
      ...(rotationMs !== undefined ? { rotationMs } : {}),
      // Legacy controllers refuse a new random address while advertising (Vol 4 Part E 7.8.4): pause it, as one
      // advertising step (a resumption after a connection may be under way).
      apply: (rpa) =>
        this.advertisingStep(async () => {
          const resume = this.advertising;
          if (resume) await stopAdvertising(this.hci).catch(() => undefined);
          await this.hci.execute('leSetRandomAddress', { randomAddress: rpa });
          if (resume) await startAdvertising(this.hci, this.ownAddressType, resume);
        }),
      onError: (error) => this.logger.warn({ err: error }, 'RPA rotation failed; the previous address stays'),
    });
    this.ownAddressType = HciAddressType.random;
    await this.rotator.start();
  }

  /**
   * The controller was reset after a Hardware Error (hci-transport ran the start-up again, keeping our static
   * address): configure it as it was. A reset controller has forgotten our random address, advertising and
   * scanning (Core 6.0 Vol 4 Part E 7.3.2). Failing that, `error` carries an HciError saying what could not
   * be restored (the CLI exits 3 on it).
   */
  private async restoreAfterReset(): Promise<void> {
    this.controllerResetting = false;
    if (this.closed) return;
    const restored: string[] = [];
    let step = 'our address';
    try {
      if (this.identityAddress.type === 'random')
        await this.hci.execute('leSetRandomAddress', { randomAddress: this.identityAddress.bytes });
      if (this.rotator) {
        step = 'our resolvable private address';
        await this.rotator.rotate();
      }
      restored.push('address');
      // The reset emptied the resolving list and turned resolution off: write the bonded peers again, before
      // advertising or scanning resume (the controller refuses list changes under them). A failure here is
      // the software resolver's to cover (syncResolution warns), as at open.
      if (this.peerResolution) {
        this.peerResolution.controllerReset();
        await this.syncResolution();
      }
      if (this.advertising) {
        step = 'advertising';
        await startAdvertising(this.hci, this.ownAddressType, this.advertising);
        restored.push('advertising');
      }
      if (this.#scanner?.scanning) {
        step = 'scanning';
        await this.#scanner.stop();
        await this.#scanner.start();
        restored.push('scanning');
      }
      this.logger.warn({ restored }, 'controller reset after a hardware error; configuration restored');
      this.emit('controllerReset', restored);
    } catch (error) {
      if (this.closed) return;
      this.emit(
        'error',
        new HciError(
          'hardware-error',
          `the controller came back after a hardware error, but restoring ${step} failed: ${(error as Error).message}`,
          { cause: error },
        ),
      );
    }
  }

  private security(handle: number): ConnectionSecurity | undefined {
    return this.#connections.get(handle)?.securityGlue;
  }

  private onConnectionComplete(event: LeConnectionComplete): void {
    if (event.status !== 0) return; // the connector reports failed attempts
    // hci-transport refuses a second completion for a live handle; should one arrive anyway, replacing the
    // connection would orphan the first one without a disconnection.
    if (this.#connections.has(event.connectionHandle)) {
      this.logger.warn({ handle: event.connectionHandle }, 'duplicate connection ignored');
      return;
    }
    const connection = setUpConnection(event, {
      hci: this.hci,
      logger: this.logger,
      localAddress: this.currentAddress,
      identityAddress: this.identityAddress,
      localIrk: this.localIrk,
      resolver: this.resolver,
      bondStore: this.bondStore,
      gattServer: this.gattServer,
      tracker: this.tracker,
      options: this.options,
    });
    this.#connections.set(event.connectionHandle, connection);
    connection.on('bonded', () => void this.bondsChanged());
    this.emit('connection', connection);
  }

  private onDisconnection(handle: number, reason: number): void {
    const connection = this.#connections.get(handle);
    if (!connection) return;
    this.#connections.delete(handle);
    // Told after the connection's own events (a pairing completed just before the link went comes first).
    void connection.closed(reason).then(() => this.emit('disconnection', connection, reason));
    // After a hardware error the controller is being reset: advertising resumes from restoreAfterReset.
    if (connection.role === 'peripheral' && this.advertising && !this.closed && !this.controllerResetting) {
      const options = this.advertising;
      // Advertising stopped with the connection: the moment to write a list that changed while it ran.
      void this.advertisingStep(() => this.startAdvertisingNow(options)).catch((error) => {
        if (!this.closed) this.logger.warn({ err: error }, 'could not resume advertising');
      });
    }
  }
}

function parseAddressOrThrow(text: string): Address {
  const parsed = parseAddress(text);
  if (!parsed.ok) throw new HostError('invalid-argument', parsed.error.message);
  return parsed.value;
}

/** `--address`: must be a static random address (Vol 6 Part B 1.3.2.1). */
function parseOwnAddress(text: string): Address {
  const address = parseAddressOrThrow(text.includes('/') ? text : `${text}/random`);
  if (randomAddressKind(address) !== 'static') {
    throw new HostError(
      'invalid-argument',
      `${text} is not a static random address (its two most significant bits must be 1, e.g. C0:...)`,
    );
  }
  return address;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}
