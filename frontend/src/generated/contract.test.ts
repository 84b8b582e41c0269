import ts from 'typescript';
import openapiTS, { astToString } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';

/**
 * The UI's API types are made from the server's OpenAPI document (`npm run gen:api`, run by `npm run build`), so a
 * change on the server that the UI does not follow fails the frontend build. Checked here the way the build checks
 * it: the whole UI type-checked against types generated from `openapi.json` as it is, then from the same document with
 * one field the UI reads renamed, as a server change would rename it.
 */
// TypeScript's own file access (ts.sys), so this test needs no Node.js type declarations beside the UI's; the tests
// run from the frontend folder (npm test).
const root = ts.sys.getCurrentDirectory().replace(/\/$/, '');
const generatedFile = `${root}/src/generated/api.d.ts`;

async function typesOf(document: unknown): Promise<string> {
  return astToString(await openapiTS(document as Parameters<typeof openapiTS>[0]));
}

/** The UI's type errors with `generated` standing in for src/generated/api.d.ts. */
function errorsWith(generated: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}/tsconfig.json`, {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined,
  });
  if (!config) throw new Error('tsconfig.json could not be read');
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (ts.sys.resolvePath(file) === generatedFile ? generated : readFile(file));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, onError, fresh) => ts.sys.resolvePath(file) === generatedFile
    ? ts.createSourceFile(file, generated, language) : getSourceFile(file, language, onError, fresh);
  const program = ts.createProgram(config.fileNames.filter((f) => !f.includes('.test.')), config.options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? d.file.fileName.replace(`${root}/`, '') : '';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('the generated API types', () => {
  const document = JSON.parse(ts.sys.readFile(`${root}/openapi.json`) ?? '{}');

  it('type-check the UI as the server describes itself today', async () => {
    expect(errorsWith(await typesOf(document))).toEqual([]);
  }, 120_000);

  it('fail the build when the server renames a field the UI reads', async () => {
    const renamed = structuredClone(document);
    const flow = renamed.components.schemas.FlowView;
    flow.properties.title = flow.properties.name;
    delete flow.properties.name;
    flow.required = (flow.required ?? []).map((f: string) => (f === 'name' ? 'title' : f));
    const errors = errorsWith(await typesOf(renamed));
    expect(errors.some((e) => e.startsWith('src/pages/') && e.includes("'name'"))).toBe(true);
  }, 120_000);
});
