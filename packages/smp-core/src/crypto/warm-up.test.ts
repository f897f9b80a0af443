import { describe, expect, it } from 'vitest';
import { warmUpToolbox } from './warm-up.js';

describe('warmUpToolbox', () => {
  it('runs every function it names on valid arguments (a wrong length would throw)', () => {
    expect(() => warmUpToolbox(1)).not.toThrow();
  });
});
