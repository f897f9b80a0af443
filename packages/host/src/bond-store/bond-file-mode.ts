/**
 * The bond file holds long-term keys, like an ssh private key: group and others should have no access at all.
 * The store only says so; changing a user's file mode is the user's call.
 */

/** ssh's rule for private keys: no access at all for group and others. */
export function modeWarning(file: string, mode: number): string | undefined {
  if ((mode & 0o077) === 0) return undefined;
  const readable = (mode & 0o044) !== 0;
  const writable = (mode & 0o022) !== 0;
  const access =
    readable && writable
      ? 'readable and writable'
      : readable
        ? 'readable'
        : writable
          ? 'writable'
          : 'accessible';
  const octal = (mode & 0o777).toString(8).padStart(4, '0');
  return `${file} is ${access} by others (mode ${octal}): it holds your bonding keys; run chmod 600 ${file}`;
}
