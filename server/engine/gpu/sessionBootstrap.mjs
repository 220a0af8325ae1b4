// Plain-JS entry of the session thread when running from sources: registers tsx inside the thread, then loads it.
import { register } from 'tsx/esm/api';

register();
await import('./sessionThread.ts');
