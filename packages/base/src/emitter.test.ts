import { describe, expect, it } from 'vitest';
import { TypedEmitter } from './emitter.js';

type Events = { value: (n: number) => void; done: () => void };

class Source extends TypedEmitter<Events> {
  send(n: number): boolean {
    return this.emit('value', n);
  }
  finish(): void {
    this.emit('done');
  }
}

describe('TypedEmitter', () => {
  it('on returns the function that removes the listener; once hears one event', () => {
    const source = new Source();
    const heard: string[] = [];
    const off = source.on('value', (n) => heard.push(`on ${n}`));
    source.once('value', (n) => heard.push(`once ${n}`));
    expect(source.send(1)).toBe(true);
    off();
    expect(source.send(2)).toBe(false);
    expect(heard).toEqual(['on 1', 'once 1']);
    expect(source.listenerCount('value')).toBe(0);
  });

  it('the listeners of an event are those there when it came: one added or removed by a listener counts next time', () => {
    const source = new Source();
    const heard: string[] = [];
    source.on('value', (n) => {
      heard.push(`first ${n}`);
      if (n === 1) source.on('value', (m) => heard.push(`added ${m}`));
    });
    source.send(1);
    source.send(2);
    expect(heard).toEqual(['first 1', 'first 2', 'added 2']);
    const other = new Source();
    const calls: string[] = [];
    const second = (n: number) => calls.push(`second ${n}`);
    other.on('value', (n) => {
      calls.push(`first ${n}`);
      other.off('value', second);
    });
    other.on('value', second);
    other.send(1);
    other.send(2);
    expect(calls).toEqual(['first 1', 'second 1', 'first 2']);
  });

  it('a throwing listener stops neither the others nor the emitter; its error reaches onListenerError', () => {
    const errors: unknown[] = [];
    const source = new (class extends Source {
      constructor() {
        super((error) => errors.push(error));
      }
    })();
    const heard: number[] = [];
    source.on('value', () => {
      throw new Error('listener bug');
    });
    source.on('value', (n) => heard.push(n));
    source.send(3);
    expect(heard).toEqual([3]);
    expect(errors).toEqual([new Error('listener bug')]);
  });

  it('by default a listener error is thrown again later, not lost', async () => {
    const source = new Source();
    source.on('done', () => {
      throw new Error('later');
    });
    const uncaught = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    source.finish();
    expect(await uncaught).toEqual(new Error('later'));
  });

  it('next resolves with the next event and rejects with the abort reason', async () => {
    const source = new Source();
    const next = source.next('value');
    source.send(7);
    expect(await next).toEqual([7]);
    const controller = new AbortController();
    const waiting = source.next('value', controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(source.listenerCount('value')).toBe(0);
    await expect(source.next('done', controller.signal)).rejects.toThrow('stop');
  });
});
