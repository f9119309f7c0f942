// pnpm bench: a 1 GiB upload over loopback to our release-api and to the
// reference Go implementation (/work/shared/bench/go-release-api), alternating,
// plus our server's peak RSS (VmHWM) for 1 GiB and 4 GiB uploads.
// Our server runs as the image runs it: with the Dockerfile's NODE_OPTIONS, unless NODE_OPTIONS
// is set (NODE_OPTIONS= for none).
// Usage: node bench/upload-bench.mjs [--rounds N] [--skip-4g]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, makeTgz, waitForPort } from './bench-kit.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const appDir = path.resolve(here, '..');
// The reference beside the repository (/work/main) or beside a worktree of it (/work/wt/<name>).
const goSource =
  process.env.GO_RELEASE_API_DIR ??
  ['../../../shared/bench/go-release-api', '../../../../shared/bench/go-release-api']
    .map((p) => path.resolve(appDir, p))
    .find((p) => fs.existsSync(p)) ??
  path.resolve(appDir, '../../../shared/bench/go-release-api');
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 3;
const skip4g = args.includes('--skip-4g');
const imageNodeOptions = /^ENV NODE_OPTIONS=(\S+)$/m.exec(
  fs.readFileSync(path.join(appDir, 'Dockerfile'), 'utf8'),
)?.[1];
const nodeOptions = process.env.NODE_OPTIONS ?? imageNodeOptions ?? '';
const SECRET = 'bench-secret-0123456789';
const GiB = 1024 ** 3;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'release-bench-'));
const children = [];

function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  fs.rmSync(work, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

async function startOurs(dir) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(appDir, 'dist/main.js')], {
    env: {
      PATH: process.env.PATH,
      RELEASE_SHARED_SECRET: SECRET,
      RELEASE_DIR: dir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  await waitForPort(port);
  return { child, url: `http://127.0.0.1:${port}` };
}

async function startGo(bin, dir) {
  const port = await freePort();
  const child = spawn(bin, [], {
    env: {
      PATH: process.env.PATH,
      RELEASE_SHARED_SECRET: SECRET,
      RELEASE_DIR: dir,
      ADDR: `127.0.0.1:${port}`,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  await waitForPort(port);
  return { child, url: `http://127.0.0.1:${port}` };
}

function stop(server) {
  server.child.kill('SIGTERM');
  return new Promise((r) => server.child.once('exit', r));
}

/** utime + stime of a process, in seconds (clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function vmHWM(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) * 1024;
}

/** One upload with curl (the same client for both servers); returns seconds. */
function curlUpload(url, file, md5, version) {
  const r = spawnSync(
    'curl',
    [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{time_total}',
      '-F',
      `secret=${SECRET}`,
      '-F',
      'product=bench',
      '-F',
      `version=${version}`,
      '-F',
      `md5=${md5}`,
      '-F',
      `file=@${file};type=application/gzip`,
      `${url}/releases`,
    ],
    { encoding: 'utf8' },
  );
  const [code, seconds] = r.stdout.trim().split(' ');
  if (code !== '201') throw new Error(`upload to ${url} answered ${code}: ${r.stderr}`);
  return Number(seconds);
}

function findGo() {
  const has = () => spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;
  if (has()) return true;
  console.error('go not found: trying flock /tmp/apt.lock apt-get install -y golang-go');
  spawnSync(
    'flock',
    [
      '/tmp/apt.lock',
      'sh',
      '-c',
      'apt-get install -y -qq golang-go || (apt-get update -qq && apt-get install -y -qq golang-go)',
    ],
    { stdio: 'inherit' },
  );
  return has();
}

const mib = (b) => (b / 1024 ** 2).toFixed(1);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main() {
  console.log(`release-api upload bench: ${os.cpus().length} CPUs, load average at start ${load()}`);
  console.log(`ours runs with NODE_OPTIONS=${nodeOptions || '(none)'}`);
  const file1 = path.join(work, 'one.tgz');
  const md5one = makeTgz(file1, GiB);
  const size1 = fs.statSync(file1).size;
  console.log(`generated ${file1} (${mib(size1)} MiB)`);

  let goBin;
  if (!fs.existsSync(goSource)) console.log(`SKIP Go side: ${goSource} not found`);
  else if (!findGo())
    console.log('SKIP Go side: Go is not installed and could not be installed (apt-get install golang-go)');
  else {
    goBin = path.join(work, 'go-release-api');
    execFileSync('go', ['build', '-o', goBin, '.'], {
      cwd: goSource,
      env: { ...process.env, GOCACHE: path.join(work, 'gocache'), GOFLAGS: '-mod=mod' },
      stdio: 'inherit',
    });
  }

  // Throughput: alternating, each on its own empty RELEASE_DIR (same filesystem).
  const oursDir = path.join(work, 'ours');
  const goDir = path.join(work, 'go');
  const ours = await startOurs(oursDir);
  const go = goBin ? await startGo(goBin, goDir) : undefined;
  const times = { ours: [], go: [] };
  const cpu = { ours: [], go: [] };
  for (let i = 0; i <= rounds; i++) {
    for (const [name, server, dir] of [
      ['ours', ours, oursDir],
      ['go', go, goDir],
    ]) {
      if (!server) continue;
      // Start every run without the other server's dirty pages waiting for writeback
      // (the Go reference never fsyncs: its 1 GiB would be flushed during our next run).
      spawnSync('sync');
      const cpuBefore = cpuSeconds(server.child.pid);
      const s = curlUpload(server.url, file1, md5one, `1.0.${i}`);
      const c = cpuSeconds(server.child.pid) - cpuBefore;
      if (i === 0) {
        console.log(`warm-up ${name.padEnd(4)} ${s.toFixed(2)} s (not counted)`);
        fs.rmSync(path.join(dir, 'bench'), { recursive: true, force: true });
        continue;
      }
      times[name].push(s);
      cpu[name].push(c);
      console.log(
        `round ${i} ${name.padEnd(4)} ${s.toFixed(2)} s  ${mib(size1 / s)} MiB/s  server CPU ${c.toFixed(2)} s  (load ${load()})`,
      );
      fs.rmSync(path.join(dir, 'bench'), { recursive: true, force: true });
    }
  }
  const peakThroughputRun = vmHWM(ours.child.pid);
  await stop(ours);
  if (go) await stop(go);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const spread = (xs) => `runs ${xs.map((s) => mib(size1 / s)).join(', ')}`;
  const oursRate = size1 / median(times.ours);
  console.log(
    `\nours: median ${mib(oursRate)} MiB/s over ${rounds} runs (${spread(times.ours)}); peak RSS during them ${mib(peakThroughputRun)} MiB`,
  );
  let ratio;
  if (go) {
    const goRate = size1 / median(times.go);
    ratio = oursRate / goRate;
    console.log(`go:   median ${mib(goRate)} MiB/s over ${rounds} runs (${spread(times.go)})`);
    console.log(
      `throughput ratio ours/go: ${ratio.toFixed(2)} (target >= 0.9) ${ratio >= 0.9 ? 'MET' : 'MISSED'}`,
    );
    // Wall time swings with the other work on a shared machine; CPU per upload much less.
    console.log(
      `server CPU per GiB (utime+stime), median: ours ${median(cpu.ours).toFixed(2)} s, go ${median(cpu.go).toFixed(2)} s; ` +
        `CPU ratio go/ours ${(median(cpu.go) / median(cpu.ours)).toFixed(2)}`,
    );
  }

  // Peak RSS: a fresh server per size, so VmHWM is that upload's peak.
  const fresh1 = await startOurs(path.join(work, 'rss1'));
  spawnSync('sync');
  curlUpload(fresh1.url, file1, md5one, 'rss-1g');
  const hwm1 = vmHWM(fresh1.child.pid);
  await stop(fresh1);
  fs.rmSync(path.join(work, 'rss1'), { recursive: true, force: true });
  console.log(
    `peak RSS, 1 GiB upload: ${mib(hwm1)} MiB (target <= 100 MB) ${hwm1 <= 100e6 ? 'MET' : 'MISSED'}`,
  );
  if (!skip4g) {
    fs.rmSync(path.join(work, 'ours'), { recursive: true, force: true });
    const file4 = path.join(work, 'four.tgz');
    const md5four = makeTgz(file4, 4 * GiB);
    fs.rmSync(file1);
    const fresh4 = await startOurs(path.join(work, 'rss4'));
    spawnSync('sync');
    const s = curlUpload(fresh4.url, file4, md5four, 'rss-4g');
    const hwm4 = vmHWM(fresh4.child.pid);
    await stop(fresh4);
    const diff = Math.abs(hwm4 - hwm1) / hwm1;
    console.log(
      `peak RSS, 4 GiB upload: ${mib(hwm4)} MiB (${(diff * 100).toFixed(1)}% from 1 GiB; target within 10%) ${diff <= 0.1 ? 'MET' : 'MISSED'}; ${mib(fs.statSync(file4).size / s)} MiB/s`,
    );
  }
  console.log(`load average at end ${load()}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
