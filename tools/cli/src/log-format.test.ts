import { describe, expect, it } from 'vitest';
import { chooseLogFormat, formatLogLine, prettyDestination } from './log-format.js';

describe('chooseLogFormat', () => {
  it.each([
    [{ json: true, stderrIsTty: true, levelGiven: false }, 'json'],
    [{ json: true, stderrIsTty: false, levelGiven: false }, 'json'],
    [{ json: false, stderrIsTty: false, levelGiven: true }, 'json'],
    [{ json: false, stderrIsTty: true, levelGiven: true }, 'pretty'],
    [{ json: false, stderrIsTty: false, levelGiven: false }, 'pretty'],
    [{ json: false, stderrIsTty: true, levelGiven: false }, 'pretty'],
  ] as const)('%j -> %s', (situation, format) => {
    expect(chooseLogFormat(situation)).toBe(format);
  });
});

describe('formatLogLine', () => {
  it('puts time, level, layer and message first, then the fields; a repeated key appears once', () => {
    const line =
      '{"level":40,"time":1795562820358,"layer":"host","handle":1,"peer":"00:54:53:42:4C:01/public","peer":"00:54:53:42:4C:01/public","reason":3,"byPeer":false,"msg":"pairing failed"}';
    expect(formatLogLine(line)).toBe(
      `${new Date(1795562820358).toISOString().slice(11, 23)}  warn   host  pairing failed  handle=1  peer=00:54:53:42:4C:01/public  reason=3  byPeer=false\n`,
    );
  });

  it('shows an error as its type and message, quotes text with spaces, and names every pino level', () => {
    const line = JSON.stringify({
      level: 50,
      time: 0,
      msg: 'the bond could not be saved',
      err: { type: 'BondStoreError', message: 'disk full', stack: 'BondStoreError: disk full\n    at x' },
      note: 'two words',
    });
    expect(formatLogLine(line)).toBe(
      '00:00:00.000  error  the bond could not be saved  err="BondStoreError: disk full"  note="two words"\n',
    );
    for (const [level, name] of [
      [10, 'trace'],
      [20, 'debug'],
      [30, 'info'],
      [60, 'fatal'],
    ] as const)
      expect(formatLogLine(JSON.stringify({ level, time: 0, msg: 'm' }))).toContain(` ${name} `);
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(formatLogLine('not json')).toBe('not json\n');
  });
});

describe('prettyDestination', () => {
  it('clears the spinner before each write and renders every line of a chunk', () => {
    const calls: string[] = [];
    const destination = prettyDestination(
      (text) => calls.push(text),
      () => calls.push('<clear>'),
    );
    destination.write('{"level":30,"time":0,"msg":"a"}\n{"level":30,"time":0,"msg":"b"}\n');
    expect(calls).toEqual(['<clear>', '00:00:00.000  info   a\n', '00:00:00.000  info   b\n']);
  });
});
