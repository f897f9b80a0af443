/**
 * How an application declares GATT services (Core 6.0 Vol 3 Part G 3): plain objects, UUIDs in any
 * spelling, per-direction access rules. The database turns them into attributes with handles.
 */
import type { AccessRequirement, AccessRule } from './permissions.js';

export type CharacteristicPropertyName =
  | 'broadcast'
  | 'read'
  | 'writeWithoutResponse'
  | 'write'
  | 'notify'
  | 'indicate'
  | 'authenticatedSignedWrites';

/** Context handed to value callbacks. */
export interface AttributeContext {
  peer: string | undefined;
  handle: number;
}

/**
 * Called with a value the gate let through. Return (or resolve to) an ATT error code, such as an
 * application error 0x80-0x9F, to refuse it; anything else accepts. Typed `unknown` so a plain
 * `(value) => { save(value); }` fits.
 */
export type WriteHandler = (value: Uint8Array, context: AttributeContext) => unknown;
export type ReadHandler = (context: AttributeContext) => Uint8Array | Promise<Uint8Array>;

/** Characteristic Presentation Format fields. Core 6.0 Vol 3 Part G 3.3.3.5 */
export interface PresentationFormat {
  format: number;
  exponent?: number;
  unit: number;
  namespace?: number;
  description?: number;
}

export interface DescriptorDefinition {
  uuid: string | number;
  value?: Uint8Array | string;
  /** Default true (descriptors are usually readable). */
  read?: AccessRule;
  /** Default false. */
  write?: AccessRule;
  onRead?: ReadHandler;
  onWrite?: WriteHandler;
  maxLength?: number;
}

export interface CharacteristicDefinition {
  uuid: string | number;
  properties: CharacteristicPropertyName[];
  /** Requirement for reads; reads are refused (Read Not Permitted) without the 'read' property. */
  read?: AccessRequirement;
  /** Requirement for writes; refused (Write Not Permitted) without a write property. */
  write?: AccessRequirement;
  /** Requirement for writing the CCCD (subscribing); reading the CCCD is always allowed. */
  subscribe?: AccessRequirement;
  value?: Uint8Array | string;
  /** Longest value a write may set (default 512, Core Vol 3 Part F 3.2.9). */
  maxLength?: number;
  onRead?: ReadHandler;
  onWrite?: WriteHandler;
  /** Characteristic Extended Properties descriptor value (Core Vol 3 Part G 3.3.3.1). */
  extendedProperties?: number;
  userDescription?: string;
  presentationFormat?: PresentationFormat;
  descriptors?: DescriptorDefinition[];
}

export interface ServiceDefinition {
  uuid: string | number;
  /** Default true; false declares a secondary service. */
  primary?: boolean;
  /** Services this one includes (object identity: they must be in the same database). */
  includes?: ServiceDefinition[];
  characteristics?: CharacteristicDefinition[];
}

/** One encoder for every string value: making a TextEncoder per value showed in each GattServer's build. */
const utf8 = new TextEncoder();

export function toBytes(value: Uint8Array | string | undefined): Uint8Array {
  if (value === undefined) return new Uint8Array(0);
  return typeof value === 'string' ? encodeUtf8(value) : value.slice();
}

/**
 * UTF-8 of a string. ASCII (device names, mostly) is copied octet by octet: TextEncoder's call into native
 * code costs ten times as much for a short string, and a GattServer is built on every Host.open.
 */
function encodeUtf8(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return utf8.encode(text);
    out[i] = code;
  }
  return out;
}
