// Module hooks for bench/ts-hook.mjs (they run on Node's loader thread).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let ts;

/** `./x.js` written in a .ts file names `./x.ts` when only that exists (NodeNext style). */
export async function resolve(specifier, context, next) {
  const parent = context.parentURL ?? '';
  if (parent.endsWith('.ts') && (specifier.startsWith('.') || specifier.startsWith('/')) && specifier.endsWith('.js')) {
    const candidate = new URL(specifier, parent);
    if (!existsSync(fileURLToPath(candidate))) {
      const asTs = new URL(specifier.slice(0, -3) + '.ts', parent);
      if (existsSync(fileURLToPath(asTs))) return { url: asTs.href, format: 'module', shortCircuit: true };
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  ts ??= (await import('typescript')).default;
  const path = fileURLToPath(url);
  const { outputText } = ts.transpileModule(readFileSync(path, 'utf8'), {
    fileName: path,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      inlineSourceMap: true,
    },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
