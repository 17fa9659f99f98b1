import * as path from 'path';
import { LocatedObject, ProfileName, RuleConfig } from '../rules';
import { loadRuleConfig } from '../rules/config';
import { checkManifests, PROFILE_NAMES } from '../rules/engine';
import { formatReport } from '../rules/format';
import { findYamlFiles, InputError, loadYamlFile } from './load';

/**
 * Where the command line writes, so that tests can capture it.
 */
export interface CliIo {
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /**
   * The folder relative paths are resolved from.
   *
   * @default process.cwd()
   */
  readonly cwd?: string;
}

/**
 * The exit codes of `cdk8s-production-check`.
 */
export const ExitCode = {
  /** No finding at error severity. */
  OK: 0,
  /** At least one finding at error severity (or any finding with `--strict`). */
  FINDINGS: 1,
  /** The command line was wrong: unknown option, bad profile, no path. */
  USAGE: 2,
  /**
   * The input could not be read at all: a missing path, an empty folder, no object in any file,
   * an invalid rule configuration. (A document that is not valid YAML or not a Kubernetes object
   * is a `manifest-input` finding, and every other object is still judged.)
   */
  INPUT: 3,
  /** The checker itself failed; please report it. */
  INTERNAL: 4,
} as const;

/** The command's help text. */
export const USAGE = `Usage: cdk8s-production-check [options] <file-or-folder>...

Checks Kubernetes manifests (YAML files, folders searched recursively for .yaml and .yml)
against the production-readiness rules.

Options:
  --profile <dev|staging|prod>  severities to apply (default: prod)
  --json                        print the report as JSON
  --strict                      fail on warnings too
  --config <file>               rule configuration (YAML or JSON): severity per rule and
                                profile, disabled rules with reasons, custom rule modules
  -h, --help                    show this help

Documents that are not valid YAML or not Kubernetes objects are reported as findings (rule
manifest-input) with their file and line; every other object is still checked.

Exit codes: 0 passed, 1 findings at error severity, 2 usage error, 3 input error, 4 internal error
`;

interface Args {
  readonly paths: string[]; readonly profile: ProfileName; readonly json: boolean; readonly strict: boolean; readonly help: boolean;
  readonly config?: string;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args {
  const paths: string[] = [];
  let profile: string = 'prod';
  let json = false;
  let strict = false;
  let help = false;
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') {
      json = true;
    } else if (arg === '--strict') {
      strict = true;
    } else if (arg === '-h' || arg === '--help') {
      help = true;
    } else if (arg === '--profile' || arg.startsWith('--profile=')) {
      const value = arg === '--profile' ? argv[++i] : arg.slice('--profile='.length);
      if (value === undefined || value === '') {
        throw new UsageError("'--profile' needs a value: dev, staging or prod");
      }
      profile = value;
    } else if (arg === '--config' || arg.startsWith('--config=')) {
      const value = arg === '--config' ? argv[++i] : arg.slice('--config='.length);
      if (value === undefined || value === '') {
        throw new UsageError("'--config' needs a file: the rule configuration (YAML or JSON)");
      }
      config = value;
    } else if (arg === '--') {
      paths.push(...argv.slice(i + 1));
      break;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option '${arg}'`);
    } else {
      paths.push(arg);
    }
  }
  if (!PROFILE_NAMES.includes(profile as ProfileName)) {
    throw new UsageError(`'--profile' (${JSON.stringify(profile)}) must be one of ${PROFILE_NAMES.join(', ')}`);
  }
  if (!help && paths.length === 0) {
    throw new UsageError('no file or folder given');
  }
  return { paths, profile: profile as ProfileName, json, strict, help, config };
}

/**
 * Runs the command line and returns its exit code; never throws and never prints a stack trace.
 *
 * @param argv the arguments after the program name
 * @param io where to write
 */
export function main(argv: readonly string[], io: CliIo): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    io.stderr(`cdk8s-production-check: ${(e as Error).message}\n\n${USAGE}`);
    return ExitCode.USAGE;
  }
  if (args.help) {
    io.stdout(USAGE);
    return ExitCode.OK;
  }
  try {
    const cwd = io.cwd ?? process.cwd();
    let config: RuleConfig | undefined;
    if (args.config !== undefined) {
      try {
        config = loadRuleConfig(path.resolve(cwd, args.config));
      } catch (e) {
        throw new InputError((e as Error).message);
      }
    }
    const objects: LocatedObject[] = [];
    for (const file of findYamlFiles(args.paths, cwd)) {
      objects.push(...loadYamlFile(file, path.relative(cwd, file) || file));
    }
    if (objects.length === 0) {
      throw new InputError(`no Kubernetes objects found in ${args.paths.join(', ')}`);
    }
    let report;
    try {
      report = checkManifests(objects, { profile: args.profile, config });
    } catch (e) {
      if ((e as Error).message.startsWith('Rule configuration')) {
        throw new InputError(`${args.config}: ${(e as Error).message}`);
      }
      throw e;
    }
    io.stdout(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
    const failed = !report.passed || (args.strict && report.warningCount > 0);
    return failed ? ExitCode.FINDINGS : ExitCode.OK;
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`cdk8s-production-check: ${e.message}\n`);
      return ExitCode.INPUT;
    }
    io.stderr(`cdk8s-production-check: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return ExitCode.INTERNAL;
  }
}

/**
 * Runs the command line on the process's arguments and sets its exit code.
 */
export function run(): void {
  process.exitCode = main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
}
