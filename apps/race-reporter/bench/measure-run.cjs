// Runs a command as a child process and measures it: wall time and peak RSS (VmHWM, from
// /usr/bin/time -v when installed, else sampled from /proc/<pid>/status every 50 ms). Every command
// of a bench (grep as well as the CLI) goes through here, so both sides pay the same wrapper.
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const main = path.join(__dirname, '../dist/main.js');

function runMeasured(command, args, env) {
  return new Promise((resolve) => {
    const useTime = fs.existsSync('/usr/bin/time');
    const cmd = useTime ? '/usr/bin/time' : command;
    const argv = useTime ? ['-v', command, ...args] : args;
    const t = process.hrtime.bigint();
    const child = spawn(cmd, argv, { env });
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
      const status = /Exit status: (\d+)/.exec(stderr);
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
      const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
      resolve({
        code: useTime && status ? Number(status[1]) : code,
        seconds,
        /** User + system CPU time (from /usr/bin/time -v; NaN without it). */
        cpuSeconds: user && system ? Number(user[1]) + Number(system[1]) : NaN,
        peakRssMb: (m ? Number(m[1]) : sampledKb) / 1024,
        via: m ? '/usr/bin/time -v' : '/proc VmHWM samples',
        stdout,
        stderr,
      });
    });
  });
}

/** The built CLI (or `entry`) with `args`; NODE_OPTIONS passes through, to measure what the image sets (README). */
function runReporter(args, env, entry = main) {
  const inherited = process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {};
  return runMeasured(process.execPath, [entry, ...args], { PATH: process.env.PATH, ...inherited, ...env });
}

module.exports = { runMeasured, runReporter };
