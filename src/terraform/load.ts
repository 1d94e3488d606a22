// Reads one module directory into a ModuleConfig: list, read, parse, merge.
import { basename } from 'node:path';
import type { ReadProblem } from '../model.ts';
import { assembleModule, type ConfigFile, type ModuleConfig } from './config.ts';
import { displayPath, listConfigFiles, readTextFile } from './files.ts';

/** `calledAt`: the `module` block that calls this directory, named instead of the directory when it cannot be read. */
export function loadModule(dir: string, cwd: string, calledAt?: { file: string; line: number; name: string }): { config: ModuleConfig; problems: ReadProblem[] } {
  const problems: ReadProblem[] = [];
  const listed = listConfigFiles(dir);
  if (!listed.ok) {
    // Terraform cannot read it either (-chdir to a file, a missing or looping local module): it stops before credentials.
    const source = calledAt ? { file: calledAt.file, line: calledAt.line } : { file: displayPath(dir, cwd), line: 1 };
    const message = calledAt ? `${calledAt.name}: ${displayPath(dir, cwd)}: ${listed.message}` : listed.message;
    problems.push({ source, message, terraformRejects: true });
    return { ...assembleModule([]), problems };
  }
  const files: ConfigFile[] = [];
  for (const path of listed.files) {
    const label = displayPath(path, cwd);
    const r = readTextFile(path);
    if (!r.ok) {
      // A directory named x.tf is not a file terraform reads either: skip it quietly.
      // Too large for tfw is not an error for terraform; unreadable or binary is.
      if (!r.notAFile) problems.push({ source: { file: label, line: 1 }, message: r.message, ...(/too large/.test(r.message) ? {} : { terraformRejects: true }) });
      continue;
    }
    files.push({ name: basename(path), label, text: r.text });
  }
  const assembled = assembleModule(files);
  return { config: assembled.config, problems: [...problems, ...assembled.problems] };
}
