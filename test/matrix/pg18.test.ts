import { describeMatrix } from './matrix.ts';

describeMatrix(18);
