import { describeMatrix } from './matrix.ts';

describeMatrix(13);
