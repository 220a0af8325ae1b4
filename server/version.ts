// The node's version, read once from package.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_ROOT } from './paths';

export const VERSION: string = (JSON.parse(readFileSync(join(APP_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
