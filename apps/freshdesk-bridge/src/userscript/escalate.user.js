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
// @sandbox      DOM
// @inject-into  content
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
 * The API key lives only in the manager's storage and goes only through its
 * GM_xmlhttpRequest (the @grant lines); @sandbox DOM (Tampermonkey) and
 * @inject-into content (Violentmonkey) ask to run apart from the page's scripts.
 */
// build: the `// @@include` lines are replaced by the parts beside this file (*.part.js) when the bridge
// build: serves it (serve-userscript.ts), and these `// build:` lines dropped: one file, as managers install it.
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

  // @@include api-key.part.js

  // @@include bridge-calls.part.js

  // @@include ticket-panel.part.js

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
