import { resourceFigures } from './bench/resources.ts';
resourceFigures((n, v) => console.log(`  ${n}: ${v}`), Number(process.env.N || 20000)).then(() => process.exit(0));
