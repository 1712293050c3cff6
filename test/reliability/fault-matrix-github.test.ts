import { faultMatrixSuite } from '../helpers/fault-suite.js';

// The github block of the fault matrix (see test/helpers/fault-matrix.ts for what each cell asserts).
faultMatrixSuite('github');
