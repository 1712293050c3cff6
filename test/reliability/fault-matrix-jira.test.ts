import { faultMatrixSuite } from '../helpers/fault-suite.js';

// The jira block of the fault matrix (see test/helpers/fault-matrix.ts for what each cell asserts).
faultMatrixSuite('jira');
