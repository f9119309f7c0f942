// Preloaded (node -r) by test/cli.test.ts: at exit, writes to $GITBEAKER_LOADED_FILE whether the
// process loaded gitbeaker (the GitLab client race-reporter loads only when it must file something).
const fs = require('node:fs');
const path = require('node:path');

process.on('exit', () => {
  const dir = `${path.sep}@gitbeaker${path.sep}`;
  const loaded = Object.keys(require.cache).some((p) => p.includes(dir));
  fs.writeFileSync(process.env.GITBEAKER_LOADED_FILE, String(loaded));
});
