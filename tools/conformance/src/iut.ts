/**
 * The implementation under test: a tsble Host on its own virtual controller, driven only through its public
 * API. Its pairing delegate records what the IUT shows the user and answers what the case decides.
 */
import {
  type Address,
  type BondStore,
  type Connection,
  type GattSetup,
  Host,
  MemoryBondStore,
  type PairingDelegate,
  type PairOptions,
} from '@tsble/host';
import type { VirtualAir } from '@tsble/virtual-controller';
import { Inbox } from './lower-tester/inbox.js';
import type { LowerTester } from './lower-tester/link.js';

/** The passkey the IUT's user types when the LT is the one displaying it. */
export const TYPED_PASSKEY = 123456;

export interface IutOptions {
  pairing?: PairOptions;
  /** Methods replacing the recording delegate's. */
  delegate?: PairingDelegate;
  bondStore?: BondStore;
  privacy?: boolean | { rotationMs?: number };
  gatt?: GattSetup;
}

export class Iut {
  /** Passkeys the IUT displayed, in order. */
  readonly displayed = new Inbox<string>();
  readonly displayedAll: string[] = [];
  /** Numeric comparison values the IUT asked its user to confirm. */
  readonly comparisons: string[] = [];
  passkeyToType: number | undefined = TYPED_PASSKEY;
  confirmNumbers = true;

  private constructor(
    readonly host: Host,
    readonly store: BondStore,
  ) {}

  static async open(air: VirtualAir, options: IutOptions = {}): Promise<Iut> {
    const store = options.bondStore ?? new MemoryBondStore();
    let iut: Iut | undefined;
    const recording: PairingDelegate = {
      displayPasskey: (digits) => {
        iut?.displayedAll.push(digits);
        iut?.displayed.push(digits);
      },
      requestPasskey: () => iut?.passkeyToType,
      confirmNumericComparison: (digits) => {
        iut?.comparisons.push(digits);
        return iut?.confirmNumbers ?? false;
      },
    };
    const host = await Host.open(air.createController({ name: 'iut' }), {
      bondStore: store,
      delegate: { ...recording, ...(options.delegate ?? {}) },
      ...(options.pairing ? { pairing: options.pairing } : {}),
      ...(options.privacy !== undefined ? { privacy: options.privacy } : {}),
      ...(options.gatt ? { gatt: options.gatt } : {}),
    });
    iut = new Iut(host, store);
    return iut;
  }

  /** IUT as central: the LT advertises and the IUT connects. */
  async connectTo(lt: LowerTester): Promise<Connection> {
    await lt.advertise();
    const arrived = lt.waitForConnection();
    const address: Address = { bytes: lt.address.bytes, type: lt.address.type === 0 ? 'public' : 'random' };
    const connection = await this.host.connect(address);
    await arrived;
    return connection;
  }

  /** IUT as peripheral: the IUT advertises and the LT connects. */
  async acceptFrom(lt: LowerTester): Promise<Connection> {
    await this.host.advertise({ name: 'iut' });
    const accepted = this.host.accept();
    const own = this.host.currentAddress;
    await lt.connect({ bytes: own.bytes, type: own.type === 'public' ? 0 : 1 });
    return accepted;
  }

  /** The passkey the IUT shows next (for the LT to type). */
  async nextDisplayed(timeoutMs = 2000): Promise<number> {
    const digits = await this.displayed.next(timeoutMs);
    if (digits === undefined) throw new Error('the IUT displayed no passkey');
    return Number(digits);
  }

  async close(): Promise<void> {
    await this.host.close();
  }
}
