// Shell completion for `tfw auth …` (bash, zsh). The scripts ask
// `tfw auth __complete WORDS…` for candidates; that reads only the command
// table, the AWS files (profile names) and tfw's cache listing (device
// serials): it never calls STS and never prompts.
import { SessionCache, cacheDir } from '../aws/cache.ts';
import { loadAwsFiles, profileNames } from '../aws/files.ts';
import type { Deps } from '../deps.ts';
import { TfwError } from '../errors.ts';
import { AUTH_COMMANDS, TERRAFORM_COMMANDS, type OptionSpec } from './args.ts';

/** What completes a value, found without network or prompt. */
export interface CompletionSources {
  profiles(): Promise<string[]>;
  devices(): Promise<string[]>;
}

const DURATIONS = ['15m', '1h', '4h', '8h', '12h', '36h'];

/**
 * The candidates for the last of `words` (the words after `tfw auth`, the
 * last one being typed, maybe empty). Pure but for the sources.
 */
export async function completeAuth(words: readonly string[], sources: CompletionSources): Promise<string[]> {
  const current = words.at(-1) ?? '';
  const starts = (list: Iterable<string>): string[] => [...list].filter((c) => c.startsWith(current));
  if (words.length <= 1) return starts([...AUTH_COMMANDS.map((c) => c.name), '--help', '--version']);
  const spec = AUTH_COMMANDS.find((c) => c.name === words[0]);
  if (!spec) return [];
  const before = words.slice(1, -1);
  // After --: terraform's arguments or the command's own, the shell's business.
  if (before.includes('--')) return [];
  const previous = before.at(-1);
  const valued: OptionSpec | undefined = previous?.startsWith('-') ? spec.options.find((o) => o.type === 'string' && `--${o.name}` === previous.replace(/^-(?!-)/, '--')) : undefined;
  if (valued) {
    if (valued.value === 'profile') return starts(await sources.profiles());
    if (valued.value === 'device') return starts(await sources.devices());
    if (valued.value === 'duration') return starts(DURATIONS);
    return [];
  }
  if (current.startsWith('-')) {
    const used = new Set(before);
    const options = spec.options.map((o) => `--${o.name}`).filter((o) => !used.has(o));
    const terraform = spec.terraformArgs ? ['-chdir=', '-var', '-var-file='] : [];
    return starts([...options, ...terraform, '--help', ...(spec.rest !== 'none' ? ['--'] : [])]);
  }
  if (spec.word) return before.some((w) => spec.word!.choices.includes(w)) ? [] : starts(spec.word.choices);
  if (spec.terraformArgs && !before.some((w) => TERRAFORM_COMMANDS.has(w))) return spec.rest === 'command' ? [] : starts([...TERRAFORM_COMMANDS]);
  return [];
}

function realSources(deps: Deps): CompletionSources {
  return {
    profiles: async () => profileNames(await loadAwsFiles({ env: deps.env })),
    devices: async () => {
      // The files only: a keyring may ask to be unlocked, and completion never prompts.
      const fromCache = (await new SessionCache(cacheDir(deps.env)).list().catch(() => [])).map((e) => e.serial);
      const files = await loadAwsFiles({ env: deps.env });
      const fromConfig = Object.values(files.config).map((s) => s.mfa_serial).filter((s): s is string => typeof s === 'string' && s !== '');
      return [...new Set([...fromCache, ...fromConfig])];
    },
  };
}

/** `tfw auth __complete WORDS…`: one candidate a line. */
export async function printCompletions(words: readonly string[], deps: Deps): Promise<number> {
  const found = await completeAuth(words, realSources(deps)).catch(() => []);
  if (found.length > 0) deps.out(`${found.join('\n')}\n`);
  return 0;
}

const TERRAFORM_WORDS = [...TERRAFORM_COMMANDS, 'validate', 'fmt', 'providers', 'version', 'get', 'graph', 'login', 'logout', 'metadata'].sort().join(' ');

const BASH = `# tfw completion for bash: \`tfw auth …\` (commands, flags, profiles), terraform's commands.
# Install: tfw auth completion bash >> ~/.bashrc
_tfw_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "auth ${TERRAFORM_WORDS}" -- "$cur") )
    return 0
  fi
  if [ "\${COMP_WORDS[1]}" != auth ]; then
    compopt -o default 2>/dev/null
    COMPREPLY=()
    return 0
  fi
  local IFS=$'\\n'
  COMPREPLY=( $("\${COMP_WORDS[0]}" auth __complete "\${COMP_WORDS[@]:2:COMP_CWORD-1}" 2>/dev/null) )
  if [ "\${#COMPREPLY[@]}" -eq 0 ]; then compopt -o default 2>/dev/null; fi
  return 0
}
complete -F _tfw_complete tfw
`;

const ZSH = `# tfw completion for zsh: \`tfw auth …\` (commands, flags, profiles), terraform's commands.
# Install (after compinit in ~/.zshrc): tfw auth completion zsh >> ~/.zshrc
_tfw() {
  if (( CURRENT == 2 )); then
    compadd -- auth ${TERRAFORM_WORDS}
    return
  fi
  if [[ \${words[2]} != auth ]]; then
    _files
    return
  fi
  local -a found
  found=("\${(@f)$(\${words[1]} auth __complete "\${(@)words[3,CURRENT]}" 2>/dev/null)}")
  if (( \${#found} )) && [[ -n \${found[1]} ]]; then
    compadd -- "\${found[@]}"
  else
    _files
  fi
}
(( $+functions[compdef] )) && compdef _tfw tfw
`;

/** `tfw auth completion [bash|zsh]`: the script (the shell of $SHELL when none is named). */
export async function completionScript(shell: string | undefined, deps: Deps): Promise<number> {
  const which = shell ?? (/zsh$/.test(deps.env.SHELL ?? '') ? 'zsh' : 'bash');
  if (which === 'bash') deps.out(BASH);
  else if (which === 'zsh') deps.out(ZSH);
  else throw new TfwError(`auth completion: no script for ${which} (bash, zsh)`, 2);
  return 0;
}
