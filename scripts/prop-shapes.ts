// Writes lib/internal/_prop-shapes.generated.ts: the run-time shape of every public props struct of the library,
// read from the TypeScript declarations, so that a plain JavaScript user (or a value read from JSON/YAML) gets an
// error naming the prop and the expected type instead of a TypeError deep inside the library.
//
//   node build/scripts/prop-shapes.js          writes the file
//   node build/scripts/prop-shapes.js --check  fails when the file is out of date (run by the tests)
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

// Run from build/scripts (compiled) or scripts/ (by the tests through ts-jest).
const ROOT = path.basename(path.resolve(__dirname, '..')) === 'build' ? path.resolve(__dirname, '..', '..') : path.resolve(__dirname, '..');
const ENTRY = path.join(ROOT, 'lib', 'index.ts');
export const OUT = path.join(ROOT, 'lib', 'internal', '_prop-shapes.generated.ts');

/** The run-time checks a declared type turns into. */
type Shape =
  | { kind: 'string' | 'number' | 'boolean' | 'object' | 'any' }
  | { kind: 'enum'; values: string[] }
  | { kind: 'array'; of: Shape }
  | { kind: 'map'; of: Shape }
  | { kind: 'struct'; name: string }
  | { kind: 'instance'; module: string; name: string };

interface Field {
  readonly name: string;
  readonly optional: boolean;
  readonly shape: Shape;
}

/**
 * The text of the generated file, from the current declarations.
 */
export function generate(): string {
  const program = ts.createProgram([ENTRY], { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const entry = checker.getSymbolAtLocation(program.getSourceFile(ENTRY)!)!;
  const structs = new Map<string, Field[]>();
  const pending: ts.Symbol[] = checker.getExportsOfModule(entry)
    .map((s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s))
    .filter((s) => isStruct(s));

  const classify = (type: ts.Type): Shape => {
    if (type.isUnion()) {
      const parts = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
      if (parts.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) {
        return { kind: 'boolean' };
      }
      if (parts.every((t) => t.flags & ts.TypeFlags.EnumLiteral || t.isStringLiteral())) {
        return { kind: 'enum', values: parts.map((t) => String((t as ts.LiteralType).value)).sort() };
      }
      if (parts.length === 1) {
        return classify(parts[0]);
      }
      throw new Error(`prop-shapes: a union type in the public props (${checker.typeToString(type)}) has no run-time check`);
    }
    // `any` is a free-form value passed through (e.g. Helm chart values): nothing to check at run time
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { kind: 'any' };
    if (type.flags & ts.TypeFlags.String) return { kind: 'string' };
    if (type.flags & ts.TypeFlags.Number) return { kind: 'number' };
    if (type.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return { kind: 'boolean' };
    if (type.flags & ts.TypeFlags.EnumLiteral) return { kind: 'enum', values: [String((type as ts.LiteralType).value)] };
    if (checker.isArrayType(type)) {
      return { kind: 'array', of: classify(checker.getTypeArguments(type as ts.TypeReference)[0]) };
    }
    const index = checker.getIndexTypeOfType(type, ts.IndexKind.String);
    if (index && type.getProperties().length === 0) {
      return { kind: 'map', of: classify(index) };
    }
    const symbol = type.aliasSymbol ?? type.getSymbol();
    const decl = symbol?.declarations?.[0];
    if (symbol && decl && ts.isClassDeclaration(decl)) {
      return { kind: 'instance', module: moduleOf(decl.getSourceFile().fileName), name: symbol.getName() };
    }
    if (symbol && isStruct(symbol) && isOurs(decl)) {
      if (!structs.has(symbol.getName()) && !pending.includes(symbol)) {
        pending.push(symbol);
      }
      return { kind: 'struct', name: symbol.getName() };
    }
    return { kind: 'object' };
  };

  while (pending.length > 0) {
    const symbol = pending.shift()!;
    if (structs.has(symbol.getName())) continue;
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    const fields = checker.getPropertiesOfType(type).map((p) => {
      const decl = p.valueDeclaration ?? p.declarations![0];
      return {
        name: p.getName(),
        optional: (p.flags & ts.SymbolFlags.Optional) !== 0,
        shape: classify(checker.getTypeOfSymbolAtLocation(p, decl)),
      };
    });
    structs.set(symbol.getName(), fields);
  }

  return render(structs);
}

function main(): void {
  const check = process.argv.includes('--check');
  const text = generate();
  if (check) {
    const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
    if (current !== text) {
      process.stderr.write(`prop-shapes: ${path.relative(ROOT, OUT)} is out of date with lib/; run \`npm run shapes\` and commit it\n`);
      process.exit(1);
    }
    process.stdout.write(`prop-shapes: ${path.relative(ROOT, OUT)} is up to date\n`);
    return;
  }
  fs.writeFileSync(OUT, text);
  process.stdout.write(`prop-shapes: wrote ${path.relative(ROOT, OUT)}\n`);
}

/** A data interface: not behavioural (`IFoo`), not generic. */
function isStruct(symbol: ts.Symbol): boolean {
  const decl = symbol.declarations?.[0];
  return !!decl && ts.isInterfaceDeclaration(decl) && !/^I[A-Z]/.test(symbol.getName()) && !decl.typeParameters;
}

function isOurs(decl: ts.Declaration | undefined): boolean {
  return !!decl && !decl.getSourceFile().fileName.includes('node_modules');
}

/** Where a class's constructor comes from at run time. */
function moduleOf(file: string): string {
  if (file.includes('node_modules/cdk8s-plus-28/')) return 'cdk8s-plus-28';
  if (file.includes('node_modules/cdk8s/')) return 'cdk8s';
  if (file.includes('node_modules/constructs/')) return 'constructs';
  return `../${path.relative(path.join(ROOT, 'lib'), file).replace(/\\/g, '/').replace(/\.ts$/, '')}`;
}

function render(structs: Map<string, Field[]>): string {
  const classes = new Map<string, Set<string>>();
  const collect = (s: Shape): void => {
    if (s.kind === 'instance') {
      (classes.get(s.module) ?? classes.set(s.module, new Set()).get(s.module)!).add(s.name);
    } else if (s.kind === 'array' || s.kind === 'map') {
      collect(s.of);
    }
  };
  for (const fields of structs.values()) fields.forEach((f) => collect(f.shape));
  const modules = [...classes.keys()].sort();
  const alias = (m: string) => (m.startsWith('..') ? `lib_${m.replace(/^\.\.\//, '').replace(/[^A-Za-z0-9]/g, '_')}` : m.replace(/[^A-Za-z0-9]/g, '_'));
  const shapeText = (s: Shape): string => {
    switch (s.kind) {
      case 'enum': return `{ kind: 'enum', values: ${JSON.stringify(s.values)} }`;
      case 'array': return `{ kind: 'array', of: ${shapeText(s.of)} }`;
      case 'map': return `{ kind: 'map', of: ${shapeText(s.of)} }`;
      case 'struct': return `{ kind: 'struct', name: '${s.name}' }`;
      case 'instance': return `{ kind: 'instance', name: '${s.name}', type: () => ${alias(s.module)}.${s.name} }`;
      default: return `{ kind: '${s.kind}' }`;
    }
  };
  const lines: string[] = [
    '// Generated by scripts/prop-shapes.ts from the declarations of the public props structs; do not edit.',
    '// `npm run shapes` writes it; a test fails when it is out of date.',
    ...modules.map((m) => `import * as ${alias(m)} from '${m}';`),
    'import type { PropShape } from \'./prop-types\';',
    '',
    '/**',
    ' * The run-time shape of every public props struct, by name: each field, whether it may be left out, and its type.',
    ' *',
    ' * @internal',
    ' */',
    'export const PROP_SHAPES: { [struct: string]: { [field: string]: { optional: boolean; shape: PropShape } } } = {',
  ];
  for (const name of [...structs.keys()].sort()) {
    lines.push(`  ${name}: {`);
    for (const f of [...structs.get(name)!].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      lines.push(`    ${f.name}: { optional: ${f.optional}, shape: ${shapeText(f.shape)} },`);
    }
    lines.push('  },');
  }
  lines.push('};', '');
  return lines.join('\n');
}

if (require.main === module) {
  main();
}
