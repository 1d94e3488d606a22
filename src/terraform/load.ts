// Reads one module directory into a ModuleConfig: list, read, parse, merge.
import { basename } from 'node:path';
import type { ReadProblem } from '../model.ts';
import { assembleModule, type ConfigFile, type ModuleConfig } from './config.ts';
import { displayPath, listConfigFiles, readTextFile } from './files.ts';

export function loadModule(dir: string, cwd: string): { config: ModuleConfig; problems: ReadProblem[] } {
  const problems: ReadProblem[] = [];
  const listed = listConfigFiles(dir);
  if (!listed.ok) {
    // Terraform cannot read it either (-chdir to a file, a missing or looping local module): it stops before credentials.
    problems.push({ source: { file: displayPath(dir, cwd), line: 1 }, message: listed.message, terraformRejects: true });
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
