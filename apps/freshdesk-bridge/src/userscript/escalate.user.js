// ==UserScript==
// @name         Escalate to GitLab (freshdesk-bridge)
// @namespace    __BRIDGE_PUBLIC_URL__
// @version      1.0.0
// @description  On ticket pages of __FRESHDESK_HOST__: shows the GitLab issue a ticket was escalated to (and whether it is open), or an "Escalate to GitLab" button that copies the ticket, every conversation and attachment into one GitLab issue, linked both ways.
// @match        https://__FRESHDESK_HOST__/a/tickets/*
// @grant        GM_xmlhttpRequest
// @grant        GM_getValue
// @grant        GM_setValue
// @grant        GM_deleteValue
// @grant        GM_registerMenuCommand
// @connect      __BRIDGE_HOST__
// @updateURL    __BRIDGE_PUBLIC_URL__/userscript.user.js
// @downloadURL  __BRIDGE_PUBLIC_URL__/userscript.user.js
// @run-at       document-idle
// @noframes
// ==/UserScript==

/*
 * Served by freshdesk-bridge at GET /userscript.user.js with the bridge's URL
 * and the configured Freshdesk's host filled in: it runs on that Freshdesk's
 * ticket pages only (never on another Freshdesk site, which could read the
 * saved key). Once loaded it follows the single-page app between tickets.
 * On every ticket it first asks GET /escalations/:ticketId: an escalated
 * ticket shows "GitLab #N · open|closed" as a link instead of the button.
 * The button always acts on the ticket in the current URL.
 */
(function () {
  'use strict';

  var BRIDGE_URL = __BRIDGE_URL_LITERAL__;
  var KEY_NAME = 'freshdesk-bridge.apiKey';
  var ROOT_ID = 'fdb-escalate';
  var TICKET_PATH = /\/a\/tickets\/(\d+)(?:[/?#]|$)/;
  var busyTicket = null;
  var shownFor = null;
  /** The issue the current ticket is linked to, once the bridge said so: shown again if Freshdesk re-renders. */
  var linked = null;

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

  // --- calling the bridge: GM_xmlhttpRequest when granted (no CORS needed), fetch otherwise ---
  function request(method, path, body, key) {
    var url = BRIDGE_URL + path;
    var headers = { Authorization: 'Bearer ' + key };
    if (body) headers['Content-Type'] = 'application/json';
    var timeout = method === 'GET' ? 30 * 1000 : 15 * 60 * 1000;
    if (hasGM('GM_xmlhttpRequest')) {
      return new Promise(function (resolve) {
        gm('GM_xmlhttpRequest')({
          method: method,
          url: url,
          headers: headers,
          data: body ? JSON.stringify(body) : undefined,
          timeout: timeout,
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
    return fetch(url, {
      method: method,
      headers: headers,
      body: body ? JSON.stringify(body) : undefined,
      credentials: 'omit',
    }).then(
      function (r) {
        return r.text().then(function (text) {
          return { status: r.status, text: text };
        });
      },
      function () {
        return { status: 0, text: '' };
      },
    );
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

  // --- the button ---
  function currentTicketId() {
    var m = TICKET_PATH.exec(window.location.pathname);
    return m ? Number(m[1]) : null;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    if (text) node.textContent = text;
    return node;
  }

  function build() {
    var root = el('div', { id: ROOT_ID, 'data-fdb': 'root' });
    root.style.cssText =
      'position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;flex-direction:column;align-items:flex-end;gap:6px;font:13px/1.4 -apple-system,Segoe UI,Helvetica,Arial,sans-serif;';
    var status = el('div', { 'data-fdb': 'status', role: 'status', 'aria-live': 'polite' });
    status.style.cssText =
      'display:none;max-width:360px;padding:8px 10px;border-radius:6px;background:#fff;color:#12344d;border:1px solid #cfd7df;box-shadow:0 2px 8px rgba(0,0,0,.15);';
    var button = el('button', { type: 'button', 'data-fdb': 'button' }, 'Escalate to GitLab');
    button.style.cssText =
      'padding:8px 14px;border:0;border-radius:6px;background:#fc6d26;color:#fff;font-weight:600;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.2);';
    button.addEventListener('click', onClick);
    root.appendChild(status);
    root.appendChild(button);
    return root;
  }

  function parts() {
    var root = document.getElementById(ROOT_ID);
    if (!root) return null;
    return {
      root: root,
      button: root.querySelector('[data-fdb="button"]'),
      status: root.querySelector('[data-fdb="status"]'),
    };
  }

  function showStatus(kind, text, link, suffix) {
    var p = parts();
    if (!p) return;
    p.status.textContent = '';
    p.status.setAttribute('data-kind', kind);
    p.status.style.display = 'block';
    p.status.style.borderColor = kind === 'error' ? '#e43538' : kind === 'ok' ? '#00a886' : '#cfd7df';
    p.status.appendChild(document.createTextNode(text));
    if (link && /^https?:\/\//.test(link.href)) {
      var a = el(
        'a',
        { href: link.href, target: '_blank', rel: 'noopener noreferrer', 'data-fdb': 'issue-link' },
        link.text,
      );
      a.style.cssText = 'color:#2c5cc5;font-weight:600;';
      p.status.appendChild(a);
    }
    if (suffix) p.status.appendChild(document.createTextNode(suffix));
  }

  function setBusy(busy) {
    var p = parts();
    if (!p) return;
    p.button.disabled = busy;
    p.button.setAttribute('aria-busy', busy ? 'true' : 'false');
    p.button.textContent = busy ? 'Escalating…' : 'Escalate to GitLab';
    p.button.style.opacity = busy ? '0.7' : '1';
    p.button.style.cursor = busy ? 'progress' : 'pointer';
  }

  function onClick() {
    var ticketId = currentTicketId();
    if (ticketId === null || busyTicket !== null) return;
    if (
      !window.confirm(
        'Escalate ticket #' +
          ticketId +
          ' to GitLab? Its conversations and attachments are copied into one issue.',
      )
    )
      return;
    var key = readKey() || askKey();
    if (!key) {
      showStatus('error', 'no API key set — click again and enter the key for the bridge');
      return;
    }
    busyTicket = ticketId;
    setBusy(true);
    showStatus('busy', 'Escalating ticket #' + ticketId + ' — copying conversations and attachments…');
    request('POST', '/escalations', { ticketId: ticketId, dryRun: false }, key).then(function (res) {
      busyTicket = null;
      setBusy(false);
      if (currentTicketId() !== ticketId) return; // the agent moved on; the result belongs to another ticket
      var body = parse(res.text);
      if ((res.status === 200 || res.status === 201) && body && body.issue) {
        var skipped =
          body.skipped && body.skipped.length
            ? ' (' + body.skipped.length + ' attachment(s) too large or not copied: see the issue)'
            : '';
        showStatus(
          'ok',
          res.status === 201 ? 'Escalated to ' : 'Already escalated to ',
          { href: body.issue.url, text: 'GitLab issue #' + body.issue.iid },
          skipped,
        );
        return;
      }
      if (res.status === 401) forgetKey();
      showStatus('error', 'Escalation failed: ' + describeFailure(res, ticketId));
    });
  }

  /** The escalated ticket's issue, "GitLab #N · open|closed", as a link in place of the button. */
  function showLinked(issue) {
    var p = parts();
    if (!p || !/^https?:\/\//.test(issue.url)) return;
    p.button.style.display = 'none';
    p.status.textContent = '';
    p.status.setAttribute('data-kind', 'linked');
    p.status.style.display = 'block';
    p.status.style.borderColor = issue.state === 'closed' ? '#6e49cb' : '#00a886';
    var a = el(
      'a',
      {
        href: issue.url,
        target: '_blank',
        rel: 'noopener noreferrer',
        'data-fdb': 'issue-state',
        'data-state': issue.state,
      },
      'GitLab #' + issue.iid + ' · ' + issue.state,
    );
    a.style.cssText = 'color:#2c5cc5;font-weight:600;';
    p.status.appendChild(a);
  }

  function showButton() {
    var p = parts();
    if (p) p.button.style.display = '';
  }

  /** Asks the bridge whether this ticket was escalated; never blocks the page, whatever happens. */
  function lookUp(ticketId) {
    var key = readKey();
    if (!key) return; // no key yet: the button, which asks for one
    request('GET', '/escalations/' + ticketId, null, key).then(function (res) {
      if (currentTicketId() !== ticketId || busyTicket !== null) return; // the agent moved on, or clicked
      var body = parse(res.text);
      if (res.status === 200 && body && body.issue) {
        linked = { ticketId: ticketId, issue: body.issue };
        showLinked(body.issue);
        return;
      }
      if (res.status === 404) return;
      if (res.status === 401) forgetKey();
      showStatus('error', 'Could not check GitLab for this ticket: ' + describeFailure(res, ticketId));
    });
  }

  /** Puts the button on ticket pages (once), takes it away elsewhere; resets it when the ticket changes. */
  function sync() {
    var ticketId = currentTicketId();
    var p = parts();
    if (ticketId === null) {
      if (p) p.root.remove();
      shownFor = null;
      return;
    }
    if (!p) {
      (document.body || document.documentElement).appendChild(build());
      p = parts();
      if (linked && linked.ticketId === ticketId) showLinked(linked.issue);
    }
    p.root.setAttribute('data-ticket', String(ticketId));
    if (shownFor !== ticketId) {
      shownFor = ticketId;
      linked = null;
      if (busyTicket === null) {
        p.status.style.display = 'none';
        p.status.textContent = '';
        showButton();
        lookUp(ticketId);
      }
    }
  }

  // --- single-page navigation: history hooks, popstate, DOM changes, and a slow poll as a last resort ---
  function hook(name) {
    var original = window.history[name];
    if (typeof original !== 'function' || original.__fdbHooked) return;
    var wrapped = function () {
      var result = original.apply(this, arguments);
      window.dispatchEvent(new Event('fdb:locationchange'));
      return result;
    };
    wrapped.__fdbHooked = true;
    window.history[name] = wrapped;
  }
  hook('pushState');
  hook('replaceState');
  window.addEventListener('popstate', sync);
  window.addEventListener('hashchange', sync);
  window.addEventListener('fdb:locationchange', sync);
  var scheduled = false;
  new MutationObserver(function () {
    if (scheduled) return;
    scheduled = true;
    window.setTimeout(function () {
      scheduled = false;
      sync();
    }, 50);
  }).observe(document.documentElement, { childList: true, subtree: true });
  window.setInterval(sync, 1000);
  sync();
})();
