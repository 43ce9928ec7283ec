import { expect, it } from 'vitest';
import { imageMajors } from '../helpers/docker.ts';

it('the matrix covers every version named in scripts/images/versions.tsv: 13 to 18', () => {
  expect(imageMajors).toEqual([13, 14, 15, 16, 17, 18]);
});
