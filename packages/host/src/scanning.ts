/**
 * Scanning (Core 6.0 Vol 4 Part E 7.8.10-7.8.11): the controller's reports pass through `ScanReports`
 * (decoded, merged with scan responses, duplicates filtered, RPAs of bonded peers resolved) and come out as
 * `Advertisement`s, to an async iterator and to the host's `advertisement` event.
 */

import { addressFromBytes } from '@tsble/base';
import { type AdvertisingReport, type Hci, HciAddressType, ScanType } from '@tsble/hci-transport';
import { Defaults } from './constants.js';
import { type Advertisement, ScanReports } from './scan-reports.js';

export interface ScanOptions {
  /** Stop after this many milliseconds (default: until aborted or the iterator is left). */
  durationMs?: number;
  signal?: AbortSignal;
  /** Report every advertising packet, not only changes (default false). */
  duplicates?: boolean;
  /** Active scanning asks for scan responses (default true). */
  active?: boolean;
}

export class Scanner {
  private listeners = new Set<(advertisement: Advertisement) => void>();
  private running = false;
  private reports: ScanReports;

  constructor(
    private readonly hci: Hci,
    private readonly ownAddressType: () => number,
    private readonly resolve: (address: ReturnType<typeof addressFromBytes>) => string | undefined,
    private readonly onAdvertisement: (advertisement: Advertisement) => void,
  ) {
    this.reports = new ScanReports({ resolve });
    hci.on('advertisingReport', (report) => this.onReport(report));
  }

  get scanning(): boolean {
    return this.running;
  }

  /** Scans until the duration ends, the signal aborts, or the consumer stops iterating. */
  async *scan(options: ScanOptions = {}): AsyncGenerator<Advertisement> {
    const queue: Advertisement[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    const finish = () => {
      finished = true;
      wake?.();
    };
    const listener = (advertisement: Advertisement) => {
      queue.push(advertisement);
      wake?.();
    };
    const timer = options.durationMs !== undefined ? setTimeout(finish, options.durationMs) : undefined;
    options.signal?.addEventListener('abort', finish, { once: true });
    this.reports = new ScanReports({ duplicates: options.duplicates ?? false, resolve: this.resolve });
    this.listeners.add(listener);
    try {
      await this.start(options.active ?? true);
      while (!finished || queue.length > 0) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (finished || options.signal?.aborted) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', finish);
      this.listeners.delete(listener);
      if (this.listeners.size === 0) await this.stop();
    }
  }

  async start(active = true): Promise<void> {
    if (this.running) return;
    await this.hci.execute('leSetScanParameters', {
      leScanType: active ? ScanType.active : ScanType.passive,
      leScanInterval: Defaults.scanInterval,
      leScanWindow: Defaults.scanWindow,
      ownAddressType: this.ownAddressType(),
      scanningFilterPolicy: 0,
    });
    // Reports can arrive in the same read as the command's completion (btvirt sends them at once): accept
    // them from the moment the enable is sent. Duplicates are filtered here, not by the controller, so
    // changed scan responses still come through.
    this.running = true;
    try {
      await this.hci.execute('leSetScanEnable', { leScanEnable: 1, filterDuplicates: 0 });
    } catch (error) {
      this.running = false;
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.hci
      .execute('leSetScanEnable', { leScanEnable: 0, filterDuplicates: 0 })
      .catch(() => undefined);
  }

  private onReport(report: AdvertisingReport): void {
    if (!this.running) return;
    const type =
      report.addressType === HciAddressType.public || report.addressType === HciAddressType.publicIdentity
        ? 'public'
        : 'random';
    // Types 2/3: the controller resolved a bonded peer's RPA from its resolving list and reports the identity.
    const resolvedByController = report.addressType >= HciAddressType.publicIdentity;
    const advertisement = this.reports.accept({
      eventType: report.eventType,
      address: addressFromBytes(report.address, type),
      data: report.data,
      rssi: report.rssi,
      ...(resolvedByController ? { resolvedByController } : {}),
    });
    if (!advertisement) return;
    this.onAdvertisement(advertisement);
    for (const listener of this.listeners) listener(advertisement);
  }
}
