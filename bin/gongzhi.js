#!/usr/bin/env node
// The platform is written in TypeScript and run through tsx's loader: no separate compile step.
import { register } from 'tsx/esm/api';

register();
await import('../server/src/cli.ts');
