import { register } from 'tsx/esm/api';
register();
const mod = await import('./prof2.tmp.ts');
