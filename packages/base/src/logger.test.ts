import { describe, expect, it } from 'vitest';
import { type Logger, silentLogger, traceEnabled, withBindings } from './logger.js';

function recording(): { logger: Logger; records: Array<[string, object, string | undefined]> } {
  const records: Array<[string, object, string | undefined]> = [];
  const at = (level: string) => (obj: object, msg?: string) => records.push([level, obj, msg]);
  return {
    records,
    logger: {
      trace: at('trace'),
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
    },
  };
}

describe('logger', () => {
  it('the silent logger drops everything and wants no trace records', () => {
    expect(traceEnabled(silentLogger)).toBe(false);
    expect(withBindings(silentLogger, { layer: 'x' })).toBe(silentLogger);
  });

  it('withBindings adds bindings to a logger without child, the record winning on a clash', () => {
    const { logger, records } = recording();
    const bound = withBindings(withBindings(logger, { layer: 'host', handle: 1 }), { handle: 2 });
    bound.info({ event: 'x' }, 'hello');
    bound.warn({ layer: 'smp' });
    expect(records).toEqual([
      ['info', { layer: 'host', handle: 2, event: 'x' }, 'hello'],
      ['warn', { layer: 'smp', handle: 2 }, undefined],
    ]);
    expect(traceEnabled(logger)).toBe(true);
  });
});
