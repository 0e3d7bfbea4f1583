// `node --import ./bench/ts-hook.mjs bench/run.ts`: run the benchmark's TypeScript (and the test
// helpers it imports) straight from source. Each .ts file is transpiled on load with the project's
// own `typescript` devDependency (types are checked by `tsc -p bench/tsconfig.json`, not here).
// Running from source keeps every file at its real path, so the helpers' `import.meta.url`-relative
// paths (test/images, test/fixtures) resolve as they do under vitest.
import { register } from 'node:module';

register('./ts-hook-loader.mjs', import.meta.url);
