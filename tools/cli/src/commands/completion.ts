/**
 * `tsble completion bash|zsh`: a completion script made from cli-spec.ts, so it offers exactly the commands and
 * options tsble takes (each command's own), the values of --io and --log-level, and file names where an
 * option takes a file.
 */
import { type CommandSpec, commandSpecs, type OptionSpec, optionsOf } from '../cli-spec.js';
import { ExitCode, UsageError } from '../output.js';
import type { CliCommand } from './command.js';

export const completion: CliCommand = {
  async run(context) {
    const shell = context.positionals[0];
    if (shell === 'bash') process.stdout.write(bashScript());
    else if (shell === 'zsh') process.stdout.write(zshScript());
    else
      throw new UsageError(
        shell === undefined
          ? 'completion needs a shell: tsble completion bash or tsble completion zsh'
          : `no completion for "${shell}": give bash or zsh`,
      );
    return ExitCode.done;
  },
};

const names = Object.keys(commandSpecs);

function flags(spec: CommandSpec): string {
  return [...optionsOf(spec).map(([n]) => `--${n}`), '--help'].join(' ');
}

/** The bash `case` arm that completes an option's value, if it has a known kind. */
function valueCase(name: string, option: OptionSpec): string | undefined {
  if (option.choices)
    return `      --${name}) COMPREPLY=($(compgen -W "${option.choices.join(' ')}" -- "$cur")); return ;;`;
  if (option.file) return `      --${name}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`;
  if (option.value) return `      --${name}) return ;;`;
  return undefined;
}

function allValueCases(): string[] {
  const seen = new Map<string, string>();
  for (const spec of Object.values(commandSpecs))
    for (const [name, option] of optionsOf(spec)) {
      const arm = valueCase(name, option);
      if (arm && !seen.has(name)) seen.set(name, arm);
    }
  return [...seen.values()];
}

function bashScript(): string {
  const perCommand = Object.entries(commandSpecs)
    .map(([name, spec]) => `      ${name}) opts="${flags(spec)}" ;;`)
    .join('\n');
  return `# bash completion for tsble (tsble completion bash)
_tsble() {
  local cur prev command i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
${allValueCases().join('\n')}
  esac
  command=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -*) ;;
      *) command="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  if [[ -z "$command" ]]; then
    if [[ "$cur" == -* ]]; then
      COMPREPLY=($(compgen -W "--help --version" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "${names.join(' ')} help" -- "$cur"))
    fi
    return
  fi
  local opts=""
  case "$command" in
${perCommand}
      help) COMPREPLY=($(compgen -W "${names.join(' ')}" -- "$cur")); return ;;
  esac
  case "$command" in
      completion) [[ "$cur" != -* ]] && COMPREPLY=($(compgen -W "bash zsh" -- "$cur")) && return ;;
      bonds) [[ "$cur" != -* ]] && COMPREPLY=($(compgen -W "list forget" -- "$cur")) && return ;;
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _tsble tsble
`;
}

/** zsh: one _arguments spec per option: `'--io[…]:CAP:(none display …)'`. */
function zshOption(name: string, option: OptionSpec): string {
  const text = option.description
    .replace(/[[\]':]/g, ' ')
    .replace(/\s+/g, ' ')
    .slice(0, 70);
  const value = option.choices
    ? `:${option.value}:(${option.choices.join(' ')})`
    : option.file
      ? `:${option.value}:_files`
      : option.value
        ? `:${option.value}: `
        : '';
  return `'--${name}[${text}]${value}'`;
}

function zshScript(): string {
  const commandList = Object.entries(commandSpecs)
    .map(([name, spec]) => `    '${name}:${spec.summary.replace(/'/g, ' ').replace(/:/g, ' ')}'`)
    .join('\n');
  const perCommand = Object.entries(commandSpecs)
    .map(
      ([name, spec]) =>
        `    ${name})\n      _arguments -s ${optionsOf(spec)
          .map(([n, o]) => zshOption(n, o))
          .join(
            ' ',
          )} '--help[show help]' '*:argument:${name === 'completion' ? '(bash zsh)' : name === 'bonds' ? '(list forget)' : ' '}'\n      ;;`,
    )
    .join('\n');
  return `#compdef tsble
# zsh completion for tsble (tsble completion zsh)
_tsble() {
  local -a commands
  commands=(
${commandList}
    'help:show help for a command'
  )
  if (( CURRENT == 2 )); then
    _describe 'tsble command' commands
    return
  fi
  case "\${words[2]}" in
${perCommand}
    help)
      _describe 'tsble command' commands
      ;;
  esac
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _tsble "$@"
else
  compdef _tsble tsble
fi
`;
}
