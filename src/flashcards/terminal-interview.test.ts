import { expect, test } from 'vitest';
import { parseTicks } from './terminal-interview.ts';

test('the key points a learner types: numbers from 1 to the rubric size, any separator, or none', () => {
  expect(parseTicks('1 3', 4)).toEqual([0, 2]);
  expect(parseTicks(' 2,4 , 2 ', 4)).toEqual([1, 3]);
  expect(parseTicks('', 4)).toEqual([]);
  expect(parseTicks('5', 4)).toBeUndefined();
  expect(parseTicks('0', 4)).toBeUndefined();
  expect(parseTicks('one', 4)).toBeUndefined();
  expect(parseTicks('1.5', 4)).toBeUndefined();
});
