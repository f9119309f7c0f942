// build: Part of escalate.user.js, put in place of its `// @@include bridge-calls.part.js` line when the bridge
// build: serves the script (serve-userscript.ts): not a module, it shares the script's scope.

// --- calling the bridge: only through the manager's GM_xmlhttpRequest (no CORS, nothing the page can wrap) ---
function request(method, path, body, key) {
  if (!GM_GRANTED) return Promise.resolve({ status: 0, text: '', noManager: true });
  var headers = { Authorization: 'Bearer ' + key };
  if (body) headers['Content-Type'] = 'application/json';
  return new Promise(function (resolve) {
    GM_xmlhttpRequest({
      method: method,
      url: BRIDGE_URL + path,
      headers: headers,
      data: body ? JSON.stringify(body) : undefined,
      timeout: method === 'GET' ? 30 * 1000 : 15 * 60 * 1000,
      onload: function (r) {
        resolve({ status: r.status, text: r.responseText || '' });
      },
      onerror: function () {
        resolve({ status: 0, text: '' });
      },
      ontimeout: function () {
        resolve({ status: 0, text: '', timedOut: true });
      },
    });
  });
}

/**
 * request(), sent again after 1 s and then 3 s when it cannot have reached the bridge's work: a
 * proxy's 502 (the bridge replica it chose had died; not the bridge's own 502, a GitLab refusal
 * with a JSON `error`) or no connection at all (not a timeout: that one may still be copying).
 * Safe: a ticket is escalated once, so a resend of one that got through answers "already
 * escalated" with its issue. `onRetry()` is told before each wait.
 */
function requestResending(method, path, body, key, onRetry) {
  var waits = [1000, 3000];
  function attempt(i) {
    return request(method, path, body, key).then(function (res) {
      var fromProxy = res.status === 502 && !(parse(res.text) || {}).error;
      var again = fromProxy || (res.status === 0 && !res.timedOut && !res.noManager);
      if (!again || i >= waits.length) return res;
      onRetry();
      return new Promise(function (resolve) {
        setTimeout(resolve, waits[i]);
      }).then(function () {
        return attempt(i + 1);
      });
    });
  }
  return attempt(0);
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    return null;
  }
}

/** A sentence a support agent can act on, for every way the call can fail. */
function describeFailure(res, ticketId) {
  var body = parse(res.text) || {};
  var detail = typeof body.error === 'string' ? body.error : '';
  if (res.noManager) return NO_MANAGER;
  if (res.status === 0) {
    return res.timedOut
      ? 'the bridge did not answer in time; the copy may still finish — click again in a minute to see the issue'
      : 'could not reach the bridge at ' +
          BRIDGE_URL +
          ' (network error) — check your connection or ask whoever runs the bridge';
  }
  if (res.status === 401)
    return 'the bridge rejected the API key — set it in the script settings (you will be asked for it on the next click)';
  if (res.status === 404) return 'the bridge cannot find ticket #' + ticketId + ' in Freshdesk';
  if (res.status === 400)
    return 'the bridge refused the request: ' + (body.details ? body.details.join('; ') : detail);
  if (res.status === 503)
    return detail || 'GitLab or Freshdesk is busy — try again in a minute; nothing is lost';
  return (
    'the bridge failed (HTTP ' +
    res.status +
    ')' +
    (detail ? ': ' + detail : '') +
    ' — try again, or tell whoever runs the bridge'
  );
}
