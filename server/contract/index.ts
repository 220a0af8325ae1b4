// The contract between the node and its clients: paths, shapes and the error body.
export * from './errors';
export * from './health';
export * from './ocr';
export * from './paths';
export * from './models';
export * from './jobs';
export * from './results';
export * from './security';
