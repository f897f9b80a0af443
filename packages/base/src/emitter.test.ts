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
