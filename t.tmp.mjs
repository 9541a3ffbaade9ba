import { PGlite } from '@electric-sql/pglite';
let t = performance.now();
const lap = (l) => { const n = performance.now(); console.log(l, Math.round(n - t), 'ms', Math.round(process.memoryUsage().rss/1048576), 'MiB'); t = n; };
const db = await PGlite.create(); lap('create');
const db2 = await PGlite.create(); lap('create2');
const blob = await db.dumpDataDir('gzip'); lap('dump ' + blob.size);
const db3 = await PGlite.create({ loadDataDir: blob }); lap('create from dump');
