// Runs the built CLI as a child process and measures it: wall time and peak RSS (VmHWM, from
// /usr/bin/time -v when installed, else sampled from /proc/<pid>/status every 50 ms).
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const main = path.join(__dirname, '../dist/main.js');

function runReporter(args, env) {
  return new Promise((resolve) => {
    const useTime = fs.existsSync('/usr/bin/time');
    const cmd = useTime ? '/usr/bin/time' : process.execPath;
    const argv = useTime ? ['-v', process.execPath, main, ...args] : [main, ...args];
    const t = process.hrtime.bigint();
    // NODE_OPTIONS passes through, to measure what the image sets (README, Benchmark).
    const inherited = process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {};
    const child = spawn(cmd, argv, { env: { PATH: process.env.PATH, ...inherited, ...env } });
    let stdout = '';
    let stderr = '';
    let sampledKb = 0;
    const sampler = setInterval(() => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const m = /VmHWM:\s+(\d+)/.exec(status);
        if (m) sampledKb = Math.max(sampledKb, Number(m[1]));
      } catch {
        /* gone */
      }
    }, 50);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      clearInterval(sampler);
      const seconds = Number(process.hrtime.bigint() - t) / 1e9;
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      resolve({
        code,
        seconds,
        peakRssMb: (m ? Number(m[1]) : sampledKb) / 1024,
        via: m ? '/usr/bin/time -v' : '/proc VmHWM samples',
        stdout,
        stderr,
      });
    });
  });
}

module.exports = { runReporter };
