// The few node:crypto signatures the node provider uses. smp-core compiles with `types: []` so that no
// Node global can leak into its portable code; this declaration admits exactly these, and only
// providers/node-crypto.ts (reached from the `@tsble/smp-core/node` entry) imports the module.
declare module 'node:crypto' {
  interface Cipher {
    setAutoPadding(autoPadding: boolean): this;
    update(data: Uint8Array): Uint8Array;
  }
  export interface ECDH {
    generateKeys(): Uint8Array;
    getPrivateKey(): Uint8Array;
    getPublicKey(): Uint8Array;
    setPrivateKey(privateKey: Uint8Array): void;
    computeSecret(otherPublicKey: Uint8Array): Uint8Array;
  }
  export function createCipheriv(algorithm: string, key: Uint8Array, iv: null): Cipher;
  export function createECDH(curveName: string): ECDH;
}
