// build: Part of escalate.user.js, put in place of its `// @@include ticket-panel.part.js` line when the bridge
// build: serves the script (serve-userscript.ts): not a module, it shares the script's scope.

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
  if (!GM_GRANTED) {
    showStatus('error', 'Escalation failed: ' + NO_MANAGER);
    return;
  }
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
  requestResending('POST', '/escalations', { ticketId: ticketId, dryRun: false }, key, function () {
    if (currentTicketId() === ticketId)
      showStatus('busy', 'Escalating ticket #' + ticketId + ' — the bridge did not answer, trying again…');
  }).then(function (res) {
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
