import { expect, it } from 'vitest';
import { imageMajors } from '../helpers/docker.ts';

it('the matrix covers every version named in scripts/images/versions.tsv: 13, 15, 17, 18', () => {
  expect(imageMajors).toEqual([13, 15, 17, 18]);
});
