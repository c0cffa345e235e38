/** The shared numbers (docs/reference/numbers.yaml), for docs/reference/numbers.md. */
import { defineLoader } from 'vitepress';
import { loadSharedNumbers, type SharedNumber } from '../../../src/site/shared-numbers.ts';

export type NumbersData = Array<Pick<SharedNumber, 'id' | 'label' | 'value' | 'source' | 'asOf'>>;

export declare const data: NumbersData;

export default defineLoader({
  watch: ['../../reference/numbers.yaml'],
  load: (): NumbersData => loadSharedNumbers().map(({ id, label, value, source, asOf }) => ({ id, label, value, source, asOf })),
});
