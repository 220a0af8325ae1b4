#!/usr/bin/env node
// The `hearth` command: runs the TypeScript CLI through tsx so `npx hearth` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli.ts');
