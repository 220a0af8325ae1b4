// Plain-JS entry of an engine worker thread: registers tsx inside the thread (Node 20's tsx loader only
// hooks the main thread by itself), then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
