// build: Part of escalate.user.js, put in place of its `// @@include api-key.part.js` line when the bridge
// build: serves the script (serve-userscript.ts): not a module, it shares the script's scope.

// --- the API key: only in the userscript manager's storage ---
// GM_getValue, GM_setValue, GM_deleteValue and GM_xmlhttpRequest are the manager's own functions, bound in
// the script's scope by the `@grant` lines (never looked up on `window`, where the page could put its own).
// Without them there is no place for the key that the page cannot read: an error, never the page's storage or requests.
var GM_GRANTED =
  typeof GM_getValue === 'function' &&
  typeof GM_setValue === 'function' &&
  typeof GM_deleteValue === 'function' &&
  typeof GM_xmlhttpRequest === 'function';
var NO_MANAGER =
  'this script needs a userscript manager (Tampermonkey or Violentmonkey) granting GM_getValue, GM_setValue, ' +
  'GM_deleteValue and GM_xmlhttpRequest — install it from ' +
  BRIDGE_URL +
  '/userscript.user.js';

function readKey() {
  return GM_GRANTED ? String(GM_getValue(KEY_NAME, '') || '') : '';
}
function writeKey(value) {
  if (GM_GRANTED) GM_setValue(KEY_NAME, value);
}
function forgetKey() {
  if (GM_GRANTED) GM_deleteValue(KEY_NAME);
}
function askKey() {
  if (!GM_GRANTED) return '';
  var value = window.prompt(
    'API key for the GitLab escalation bridge (ask whoever runs ' + BRIDGE_URL + '):',
    '',
  );
  value = (value || '').trim();
  if (value) writeKey(value);
  return value;
}
if (GM_GRANTED && typeof GM_registerMenuCommand === 'function') {
  GM_registerMenuCommand('Set the bridge API key', function () {
    askKey();
  });
}
