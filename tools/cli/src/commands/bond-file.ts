/**
 * How every command opens the bond file. Its own module, with no code from the host package (the options
 * type is erased): `tsble info` reads the file with it, and must not load the host's code to do so when it
 * has no file to read.
 */
import type { FileBondStoreOptions } from '@tsble/host';

/** The store's warnings (a file others can read) go to stderr, like ssh's. */
export const bondFileOptions: FileBondStoreOptions = {
  onWarning: (message) => process.stderr.write(`tsble: warning: ${message}\n`),
};
