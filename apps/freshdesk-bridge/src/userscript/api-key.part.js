// Part of escalate.user.js, put in place of its `// @@include api-key.part.js` line when the bridge
// serves the script (serve-userscript.ts): not a module, it shares the script's scope.

// --- the API key: GM storage when the manager grants it, else localStorage ---
function hasGM(name) {
  return typeof window[name] === 'function' || typeof globalThis[name] === 'function';
}
function gm(name) {
  return typeof globalThis[name] === 'function' ? globalThis[name] : window[name];
}
function readKey() {
  if (hasGM('GM_getValue')) return gm('GM_getValue')(KEY_NAME, '') || '';
  try {
    return window.localStorage.getItem(KEY_NAME) || '';
  } catch (e) {
    return '';
  }
}
function writeKey(value) {
  if (hasGM('GM_setValue')) {
    gm('GM_setValue')(KEY_NAME, value);
    return;
  }
  try {
    window.localStorage.setItem(KEY_NAME, value);
  } catch (e) {
    /* storage blocked: the key is asked again next time */
  }
}
function forgetKey() {
  if (hasGM('GM_deleteValue')) gm('GM_deleteValue')(KEY_NAME);
  else if (hasGM('GM_setValue')) gm('GM_setValue')(KEY_NAME, '');
  try {
    window.localStorage.removeItem(KEY_NAME);
  } catch (e) {
    /* ignore */
  }
}
function askKey() {
  var value = window.prompt(
    'API key for the GitLab escalation bridge (ask whoever runs ' + BRIDGE_URL + '):',
    '',
  );
  value = (value || '').trim();
  if (value) writeKey(value);
  return value;
}
if (hasGM('GM_registerMenuCommand')) {
  gm('GM_registerMenuCommand')('Set the bridge API key', function () {
    askKey();
  });
}
