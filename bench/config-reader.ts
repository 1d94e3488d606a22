// Times readModuleAuth end to end on a synthetic 500-file / 50,000-line
// module and a typical 5-file module, and (when installed) the parsers it
// replaced, on the same files. Run: node --import tsx bench/config-reader.ts
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModuleAuth } from '../src/terraform/index.ts';

const RUNS = 9;

function resourceBlock(i: number): string {
  return `resource "aws_s3_bucket" "b${i}" {
  bucket = "bucket-\${var.env}-${i}"
  tags = {
    Name  = "b${i}"
    Owner = local.owner
  }
  lifecycle {
    ignore_changes = [tags["x"]]
  }
}

`;
}

/** `files` files of ~`lines` lines each: mostly resources, plus providers, variables, locals. */
function generate(dir: string, files: number, linesPerFile: number): number {
  mkdirSync(dir, { recursive: true });
  let total = 0;
  for (let f = 0; f < files; f++) {
    let text = '';
    if (f === 0) {
      text += 'terraform {\n  backend "s3" {\n    bucket  = "state"\n    profile = var.profile\n  }\n}\n\n';
      text += 'variable "env" {\n  default = "prod"\n}\nvariable "profile" {\n  default = "admin"\n}\nlocals {\n  owner = "team-${var.env}"\n}\n\n';
      text += 'provider "aws" {\n  region  = "eu-west-1"\n  profile = var.profile\n  assume_role {\n    role_arn = "arn:aws:iam::111111111111:role/${var.env}"\n  }\n}\n\n';
    }
    if (f === 1) text += 'provider "aws" {\n  alias   = "west"\n  region  = "us-west-2"\n  profile = "west"\n}\n\n';
    let i = 0;
    while (text.split('\n').length < linesPerFile) text += resourceBlock(f * 1000 + i++);
    text += `output "o${f}" {\n  value = <<-EOT\n    provider "aws" { } \${aws_s3_bucket.b${f * 1000}.arn}\n  EOT\n}\n`;
    total += text.split('\n').length - 1;
    writeFileSync(join(dir, `file${String(f).padStart(3, '0')}.tf`), text);
  }
  return total;
}

async function median(fn: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    await fn();
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'tfw-bench-'));
  try {
    const big = join(root, 'big');
    const small = join(root, 'small');
    const bigLines = generate(big, 500, 100);
    const smallLines = generate(small, 5, 40);
    const opts = (dir: string) => ({ dir, cwd: root, env: {}, vars: [], backendConfig: [], command: 'plan' });

    const first = performance.now();
    const check = await readModuleAuth(opts(big));
    const cold = performance.now() - first;
    if (check.problems.length || check.targets.length !== 3) throw new Error(`unexpected result: ${JSON.stringify(check)}`);

    console.log(`tfw reader, ${bigLines} lines in 500 files: first run ${fmt(cold)}, median ${fmt(await median(() => readModuleAuth(opts(big))))}`);
    console.log(`tfw reader, ${smallLines} lines in 5 files: median ${fmt(await median(() => readModuleAuth(opts(small))))}`);

    const texts = readdirSync(big).map((n) => readFileSync(join(big, n), 'utf8'));
    const require = createRequire(import.meta.url);

    try {
      const s = performance.now();
      const hcl2 = require('hcl2-parser') as { parseToObject(text: string): unknown };
      const load = performance.now() - s;
      const t = await median(() => { for (const text of texts) hcl2.parseToObject(text); });
      console.log(`hcl2-parser: load ${fmt(load)}, parse 500 files ${fmt(t)}`);
    } catch (e) {
      console.log(`hcl2-parser: skipped (${(e as Error).message.split('\n')[0]})`);
    }

    try {
      const s = performance.now();
      const { Parser, Language } = (await import('web-tree-sitter')) as unknown as {
        Parser: { init(): Promise<void>; new (): { setLanguage(l: unknown): void; parse(t: string): { delete(): void } } };
        Language: { load(p: string): Promise<unknown> };
      };
      await Parser.init();
      const lang = await Language.load(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm'));
      const parser = new Parser();
      parser.setLanguage(lang);
      const load = performance.now() - s;
      const t = await median(() => { for (const text of texts) parser.parse(text).delete(); });
      console.log(`web-tree-sitter + tree-sitter-hcl: load ${fmt(load)}, parse 500 files ${fmt(t)} (no evaluation)`);
    } catch (e) {
      console.log(`web-tree-sitter: skipped (${(e as Error).message.split('\n')[0]})`);
    }
    console.log('@cdktn/hcl2json: not installed, skipped');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
