export * from './schema.js';
export * from './units.js';
export * as conventions from './conventions.js';
