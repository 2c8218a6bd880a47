/**
 * Checks a dashboard's JSON against Grafana's model with the TypeScript compiler: the JSON text,
 * pasted as an object literal that must satisfy DashboardModel, so a wrong type, a missing field
 * or a misspelt property (excess property check) is a compile error. Importing the JSON instead
 * would widen its strings and hide exactly those mistakes.
 */
import { dirname, join } from 'node:path';
import ts from 'typescript';

const HERE = dirname(new URL(import.meta.url).pathname);
const ROOT = join(HERE, '..', '..');

function compilerOptions(): ts.CompilerOptions {
  const file = join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(file, (p) => ts.sys.readFile(p));
  return { ...ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options, noEmit: true };
}

/**
 * The compiler's complaints about each JSON text (by name) as a DashboardModel: empty lists when
 * every one satisfies it. One program for all, since each costs seconds to type-check.
 */
export function dashboardTypeErrors(jsonTexts: Record<string, string>): Record<string, string[]> {
  const checkFile = join(HERE, '__dashboard_check__.ts');
  let source = "import type { DashboardModel } from './grafana-model.ts';\n";
  const spans: { name: string; start: number; end: number }[] = [];
  for (const [i, [name, text]] of Object.entries(jsonTexts).entries()) {
    const line = `export const dashboard${i} = (${text}) satisfies DashboardModel;\n`;
    spans.push({ name, start: source.length, end: source.length + line.length });
    source += line;
  }
  const program = ts.createProgram([checkFile], compilerOptions(), hostWith(checkFile, source));
  const errors: Record<string, string[]> = Object.fromEntries(spans.map((s) => [s.name, []]));
  for (const d of ts.getPreEmitDiagnostics(program, program.getSourceFile(checkFile))) {
    const span = spans.find((s) => d.start !== undefined && d.start >= s.start && d.start < s.end);
    const offset = span && d.start !== undefined ? ` at character ${d.start - span.start}` : '';
    (errors[span?.name ?? ''] ??= []).push(`${ts.flattenDiagnosticMessageText(d.messageText, '\n')}${offset}`);
  }
  return errors;
}

/** The compiler's host, with one file that exists only in memory. */
function hostWith(file: string, source: string): ts.CompilerHost {
  const host = ts.createCompilerHost(compilerOptions());
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (p) => p === file || ts.sys.fileExists(p);
  host.readFile = (p) => (p === file ? source : readFile(p));
  host.getSourceFile = (p, version) => (p === file ? ts.createSourceFile(p, source, version) : getSourceFile(p, version));
  return host;
}
