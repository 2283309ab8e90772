/**
 * Hosted-runner mode of the local executor: a job whose `runs-on` names a GitHub-hosted label sees only the commands
 * that label's runner image ships, not everything installed on this machine. The job's PATH is a generated bin dir
 * of symlinks to this machine's binaries for exactly those commands (plus what the job adds through GITHUB_PATH and
 * the tool cache), and the job gets an empty tool cache of its own, as every hosted job starts on a fresh VM. A step
 * that calls a tool the image lacks (cosign, gitleaks, trivy, …) then fails here as it would on GitHub, and the
 * actions take their real pinned-install path.
 *
 * Self-hosted jobs (`self-hosted` among the labels, or any label not in HOSTED_IMAGES) keep this machine's PATH.
 * The image contents come from actions/runner-images' per-image READMEs (cited per entry); commands the image
 * ships that this machine lacks are simply absent, and reported once per run.
 */
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  symlinkSync
} from 'node:fs';
import path from 'node:path';
import type { Value } from './expressions.js';

export interface RunnerImage {
  /** the runner image, e.g. Ubuntu 24.04 */
  image: string;
  /** where the contents are listed */
  source: string;
  /** the README's "Installed apt packages": their commands (per this machine's dpkg file lists) are exposed */
  aptPackages: readonly string[];
  /**
   * Commands of the README's other sections (Language and Runtime, Package Management, Tools, CLI Tools, Web
   * Servers, Databases), looked up on this machine's PATH.
   */
  commands: readonly string[];
}

// The Ubuntu base system every image is built on: packages of Priority required/important/standard (coreutils,
// bash, grep, sed, mawk, tar, gzip, procps, …) are part of any Ubuntu server install, so their commands are exposed
// too; they are read from this machine's dpkg status (Debian and Ubuntu share the priorities of these packages).
const BASE_PRIORITIES = new Set(['required', 'important', 'standard']);

/** Commands the READMEs of both images list outside the apt table (same names on 22.04 and 24.04). */
// prettier-ignore
const COMMON_COMMANDS = [
  // Language and Runtime
  'bash', 'sh', 'dash', 'clang', 'gcc', 'g++', 'gfortran', 'julia', 'kotlin', 'node', 'perl', 'python', 'python3',
  'ruby', 'swift',
  // Package Management
  'cpan', 'helm', 'conda', 'npm', 'npx', 'pip', 'pip3', 'pipx', 'gem', 'vcpkg', 'yarn',
  // Project Management
  'ant', 'gradle', 'lerna', 'mvn',
  // Tools
  'ansible', 'azcopy', 'bazel', 'bazelisk', 'bicep', 'buildah', 'cmake', 'docker-credential-ecr-login', 'docker',
  'dockerd', 'fastlane', 'git', 'git-lfs', 'git-ftp', 'haveged', 'jq', 'kind', 'kubectl', 'kustomize', 'mediainfo',
  'hg', 'minikube', 'n', 'newman', 'openssl', 'packer', 'parcel', 'podman', 'pulumi', 'skopeo', 'searchd',
  'yamllint', 'yq', 'zstd',
  // CLI Tools
  'aws', 'session-manager-plugin', 'sam', 'az', 'gh', 'gcloud',
  // Java, PHP, Haskell, Rust, .NET, Databases, PowerShell
  'java', 'javac', 'php', 'composer', 'phpunit', 'cabal', 'ghc', 'ghcup', 'stack', 'cargo', 'rustc', 'rustdoc',
  'rustup', 'rustfmt', 'dotnet', 'sqlite3', 'psql', 'pg_ctl', 'mysql', 'pwsh',
  // Browsers and Drivers
  'google-chrome', 'chromedriver', 'chromium', 'microsoft-edge', 'msedgedriver', 'firefox', 'geckodriver',
  // Web Servers
  'apache2', 'nginx'
] as const;

// prettier-ignore
const COMMON_APT = [
  'acl', 'aria2', 'autoconf', 'automake', 'binutils', 'bison', 'brotli', 'bzip2', 'coreutils', 'curl', 'dbus',
  'dnsutils', 'dpkg', 'dpkg-dev', 'fakeroot', 'file', 'findutils', 'flex', 'ftp', 'g++', 'gcc', 'gnupg2', 'gnupg',
  'haveged', 'iproute2', 'iputils-ping', 'jq', 'libtool', 'locales', 'lz4', 'm4', 'make', 'mediainfo', 'mercurial',
  'net-tools', 'netcat', 'netcat-openbsd', 'openssh-client', 'p7zip-full', 'parallel', 'patchelf', 'pigz',
  'pkg-config', 'pollinate', 'python-is-python3', 'rpm', 'rsync', 'shellcheck', 'sphinxsearch', 'sqlite3', 'ssh',
  'sshpass', 'sudo', 'swig', 'systemd-coredump', 'tar', 'telnet', 'texinfo', 'time', 'tk', 'tzdata', 'unzip', 'upx',
  'wget', 'xvfb', 'xz-utils', 'zip', 'zsync'
] as const;

// Ubuntu 24.04 image 20250907.24: https://github.com/actions/runner-images/blob/05d68bcf916cc944be9223e72b5edd99ebcf4df1/images/ubuntu/Ubuntu2404-Readme.md
// (no ORAS, cosign, gitleaks or trivy; nginx and apache2 are installed but inactive)
const UBUNTU_2404: RunnerImage = {
  image: 'Ubuntu 24.04',
  source:
    'https://github.com/actions/runner-images/blob/05d68bcf916cc944be9223e72b5edd99ebcf4df1/images/ubuntu/Ubuntu2404-Readme.md',
  aptPackages: [...COMMON_APT, 'tree'],
  commands: [...COMMON_COMMANDS, 'ninja']
};

// Ubuntu 22.04 image 20250202.1: https://github.com/actions/runner-images/blob/0116af070aa2552228cf6f6a9017a035dc84bb77/images/ubuntu/Ubuntu2204-Readme.md
// (this one does list ORAS CLI 1.2.2, plus Terraform, Heroku, SVN, R, Mono, the Alibaba/Netlify/OpenShift/Vercel CLIs)
const UBUNTU_2204: RunnerImage = {
  image: 'Ubuntu 22.04',
  source:
    'https://github.com/actions/runner-images/blob/0116af070aa2552228cf6f6a9017a035dc84bb77/images/ubuntu/Ubuntu2204-Readme.md',
  aptPackages: [...COMMON_APT, 'imagemagick', 'pass', 'subversion', 'xorriso'],
  // prettier-ignore
  commands: [
    ...COMMON_COMMANDS,
    'apt-fast', 'heroku', 'lein', 'R', 'Rscript', 'svn', 'terraform', 'aliyun', 'netlify', 'oc', 'oras', 'vercel',
    'mono', 'msbuild', 'nuget', 'sqlcmd', 'sqlpackage', 'sbt'
  ]
};

/**
 * GitHub-hosted Linux labels and their images. `ubuntu-latest` is Ubuntu 24.04 since the migration of
 * https://github.com/actions/runner-images/issues/10636 (completed January 2025).
 */
export const HOSTED_IMAGES: Readonly<Record<string, RunnerImage>> = {
  'ubuntu-latest': UBUNTU_2404,
  'ubuntu-24.04': UBUNTU_2404,
  'ubuntu-22.04': UBUNTU_2204
};

/** The labels of an evaluated `runs-on`: a label, a list of labels, or `{group, labels}`. */
export function runsOnLabels(value: Value): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (value && typeof value === 'object') {
    const labels = (value as Record<string, Value>).labels;
    return labels === undefined ? [] : runsOnLabels(labels);
  }
  return [];
}

/**
 * The hosted image a job runs on, or undefined for a self-hosted runner. With several labels GitHub picks a runner
 * that has all of them (https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idruns-on);
 * `self-hosted` or a runner group means the job runs on a self-hosted runner.
 */
export function hostedImage(value: Value): { label: string; image: RunnerImage } | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value) && 'group' in value) return undefined;
  const labels = runsOnLabels(value);
  if (labels.includes('self-hosted')) return undefined;
  for (const label of labels) {
    const image = HOSTED_IMAGES[label];
    if (image) return { label, image };
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

const BIN_DIRS = new Set(['/bin', '/usr/bin', '/sbin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']);

/** Commands (name → path) of installed dpkg packages, from /var/lib/dpkg/info/<pkg>[:arch].list. */
export function packageCommands(
  packages: Iterable<string>,
  dpkgInfo = '/var/lib/dpkg/info'
): Map<string, string> {
  const out = new Map<string, string>();
  for (const pkg of packages) {
    const list = [`${pkg}.list`, `${pkg}:amd64.list`, `${pkg}:all.list`]
      .map((f) => path.join(dpkgInfo, f))
      .find((f) => existsSync(f));
    if (!list) continue;
    for (const file of readFileSync(list, 'utf8').split('\n')) {
      if (!BIN_DIRS.has(path.dirname(file))) continue;
      const name = path.basename(file);
      if (!out.has(name) && isExecutableFile(file)) out.set(name, file);
    }
  }
  return out;
}

/** Installed packages of the base priorities, from dpkg's status file. */
export function basePackages(statusFile = '/var/lib/dpkg/status'): string[] {
  if (!existsSync(statusFile)) return [];
  const out: string[] = [];
  for (const stanza of readFileSync(statusFile, 'utf8').split('\n\n')) {
    const field = (name: string): string | undefined =>
      new RegExp(`^${name}: (.*)$`, 'm').exec(stanza)?.[1]?.trim();
    const pkg = field('Package');
    if (
      pkg &&
      BASE_PRIORITIES.has(field('Priority') ?? '') &&
      /install ok installed/.test(field('Status') ?? '')
    )
      out.push(pkg);
  }
  return out;
}

export interface RunnerBin {
  /** the directory that is the job's PATH (before GITHUB_PATH additions) */
  dir: string;
  /** commands exposed */
  commands: string[];
  /** commands the image ships that this machine does not have */
  missing: string[];
}

/**
 * Makes (once per directory) the bin dir of an image: symlinks to this machine's binaries for the image's commands
 * (base system + apt table + README commands looked up on `hostPath`).
 */
export function prepareRunnerBin(image: RunnerImage, dir: string, hostPath: string): RunnerBin {
  const found = packageCommands([...basePackages(), ...image.aptPackages]);
  const missing: string[] = [];
  for (const name of image.commands) {
    if (found.has(name)) continue;
    const hit = hostPath
      .split(path.delimiter)
      .filter(Boolean)
      .map((d) => path.join(d, name))
      .find(isExecutableFile);
    if (hit) found.set(name, hit);
    else missing.push(name);
  }
  // Debian alternatives (awk → mawk, nc → nc.openbsd, …) are symlinks no package lists: expose those that lead to
  // an exposed binary
  const exposed = new Set([...found.values()].map((f) => realpathSync(f)));
  for (const binDir of BIN_DIRS) {
    if (!existsSync(binDir)) continue;
    for (const name of readdirSync(binDir)) {
      const file = path.join(binDir, name);
      try {
        if (
          !found.has(name) &&
          readlinkSync(file).startsWith('/etc/alternatives/') &&
          exposed.has(realpathSync(file))
        )
          found.set(name, file);
      } catch {
        /* not a symlink, or a dangling one */
      }
    }
  }
  mkdirSync(dir, { recursive: true });
  for (const [name, target] of found) {
    const link = path.join(dir, name);
    if (!existsSync(link)) symlinkSync(target, link);
  }
  return { dir, commands: [...found.keys()].sort(), missing };
}

export interface HostedRunner {
  label: string;
  image: RunnerImage;
  bin: RunnerBin;
}

const prepared = new Map<string, RunnerBin>();

/**
 * The hosted runner of a job (its evaluated `runs-on`), with the image's bin dir made under `runDir` on first use;
 * undefined for self-hosted runners.
 */
export function hostedRunner(runsOn: Value, runDir: string, hostPath: string): HostedRunner | undefined {
  const hosted = hostedImage(runsOn);
  if (!hosted) return undefined;
  const dir = path.join(runDir, 'runner-images', hosted.label, 'bin');
  let bin = prepared.get(dir);
  if (!bin) {
    bin = prepareRunnerBin(hosted.image, dir, hostPath);
    prepared.set(dir, bin);
  }
  return { ...hosted, bin };
}
