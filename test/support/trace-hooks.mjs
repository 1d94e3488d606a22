// Loader hooks for trace-loads.mjs: one line per loaded module URL in the
// trace file. Tests map bundle chunks back to their sources with dist/meta.json.
import { appendFileSync } from 'node:fs';

let file;
export function initialize(data) {
  file = data?.file;
}

export async function load(url, context, next) {
  const result = await next(url, context);
  if (file) appendFileSync(file, `${url}\n`);
  return result;
}
