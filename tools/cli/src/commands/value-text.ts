/** Characteristic values for people (text when it is printable, else hex) and for JSON (`value` hex, `text`). */

const decoder = new TextDecoder('utf-8', { fatal: false });

export function hexOctets(value: Uint8Array, separator = ' '): string {
  return Array.from(value, (b) => b.toString(16).padStart(2, '0')).join(separator);
}

/** The value's event fields (`text` only when it is printable ASCII) and its human form. */
export function describeValue(value: Uint8Array): {
  fields: { value: Uint8Array; text?: string };
  human: string;
} {
  const text = decoder.decode(value);
  const printable = /^[\x20-\x7e]*$/.test(text);
  // An empty value printed as text would be a blank line, which reads as nothing having happened.
  const human = value.length === 0 ? '(empty, 0 octets)' : printable ? text : hexOctets(value);
  return { fields: printable ? { value, text } : { value }, human };
}

/** VALUE of `tsble write`: hex octets (`0102ff`, `01 02 ff`, `01:02:ff`) or text as UTF-8. */
export function parseValue(text: string, hex: boolean): Uint8Array | undefined {
  if (!hex) return new TextEncoder().encode(text);
  const digits = text.replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(digits)) return undefined;
  return Uint8Array.from(digits.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
}
