// Signpost web chat. Vanilla, no framework, nothing from elsewhere. Every
// reply is written with textContent, never as HTML.
(function () {
  'use strict';

  var NEUTRAL = 'https://www.bbc.co.uk/weather';
  var log = document.getElementById('log');
  var alertBox = document.getElementById('alert');
  var statusBox = document.getElementById('status');
  var form = document.getElementById('form');
  var input = document.getElementById('message');
  var leaveBtn = document.getElementById('leave');
  var framed = window.top !== window.self;

  var seq = 0;         // the last reply shown
  var left = false;    // "Leave quickly" was pressed: stop everything
  var counter = 0;

  function msgID() {
    var b = new Uint8Array(12);
    crypto.getRandomValues(b);
    var s = 'm';
    for (var i = 0; i < b.length; i++) s += ('0' + b[i].toString(16)).slice(-2);
    return s + '-' + (++counter);
  }

  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  // After crisis signposting, the log holds still for a few seconds so the
  // numbers stay in view while the question that follows arrives below.
  var holdUntil = 0;

  function scrollDown() {
    if (Date.now() >= holdUntil) log.scrollTop = log.scrollHeight;
  }

  function setStatus(text) {
    statusBox.textContent = text || '';
  }

  // sessionLost: the browser has no chat cookie (it expired, or it blocks
  // cookies inside another site's page).
  function sessionLost() {
    statusBox.textContent = '';
    var a = document.createElement('a');
    a.href = location.pathname + location.search;
    if (framed) {
      a.target = '_blank';
      a.rel = 'noopener';
      statusBox.append('This browser blocks the chat inside this page. ');
      a.textContent = 'Open Signpost in a new tab';
    } else {
      statusBox.append('Your chat has ended. ');
      a.textContent = 'Start again';
    }
    statusBox.append(a);
  }

  function bubble(who, text) {
    if (who === 'me') holdUntil = 0;
    var p = document.createElement('p');
    p.className = 'bubble ' + who;
    var hidden = document.createElement('span');
    hidden.className = 'visually-hidden';
    hidden.textContent = who === 'me' ? 'You: ' : 'Signpost: ';
    p.append(hidden, document.createTextNode(text));
    log.append(p);
    scrollDown();
    return p;
  }

  // retire disables the buttons of earlier questions.
  function retire() {
    var old = log.querySelectorAll('.options button');
    for (var i = 0; i < old.length; i++) {
      old[i].disabled = true;
      old[i].removeAttribute('id');
    }
  }

  function options(m) {
    retire();
    var group = document.createElement('div');
    group.className = 'options';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', m.multi ? 'Choose one or more, then ' + (m.done || 'Done') : 'Choose one');
    m.options.forEach(function (o) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'option';
      b.textContent = o.label;
      b.dataset.id = o.id;
      if (m.multi) {
        b.setAttribute('aria-pressed', 'false');
        b.addEventListener('click', function () {
          b.setAttribute('aria-pressed', b.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
        });
      } else {
        b.addEventListener('click', function () {
          choose(group, m.step, [o]);
        });
      }
      group.append(b);
    });
    if (m.multi) {
      var done = document.createElement('button');
      done.type = 'button';
      done.className = 'done';
      done.id = 'done';
      done.textContent = m.done || 'Done';
      done.addEventListener('click', function () {
        var picked = [];
        group.querySelectorAll('button.option[aria-pressed="true"]').forEach(function (b) {
          picked.push({ id: b.dataset.id, label: b.textContent });
        });
        if (picked.length === 0) {
          setStatus('Pick at least one, or type your answer.');
          return;
        }
        choose(group, m.step, picked);
      });
      group.append(done);
    }
    log.append(group);
    scrollDown();
  }

  function choose(group, step, picked) {
    group.querySelectorAll('button').forEach(function (b) { b.disabled = true; b.removeAttribute('id'); });
    bubble('me', picked.map(function (o) { return o.label; }).join(', '));
    input.focus();
    send({ choice: picked.map(function (o) { return o.id; }).join(','), step: step || '' });
  }

  function show(m) {
    if (m.seq <= seq) return;
    seq = m.seq;
    if (m.text) {
      var p = bubble('bot', m.text);
      if (m.urgent) {
        p.classList.add('urgent');
        log.scrollTop = p.offsetTop - 8; // .log is positioned: offsetTop is within it
        holdUntil = Date.now() + 4000;
        alertBox.textContent = '';
        alertBox.textContent = m.text;
      }
    }
    if (m.toast) {
      var n = document.createElement('p');
      n.className = 'note';
      n.textContent = m.toast;
      log.append(n);
      scrollDown();
    }
    if (m.options && m.options.length) options(m);
    else if (m.text) retire();
  }

  // send posts one message, retrying network failures with the same id
  // (the server drops a repeat). It resolves true once accepted.
  async function send(body) {
    body.id = msgID();
    for (var attempt = 0; attempt < 4 && !left; attempt++) {
      try {
        var r = await fetch('/chat/send', {
          method: 'POST', credentials: 'same-origin', cache: 'no-store',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body)
        });
        if (r.ok) { setStatus(''); return true; }
        if (r.status === 401) { sessionLost(); return false; }
        if (r.status === 429) {
          var j = await r.json().catch(function () { return {}; });
          setStatus(j.error || 'Slow down a little, then try again.');
          return false;
        }
        if (r.status === 413) { setStatus('That message is too long. Try a shorter one.'); return false; }
        if (r.status < 500) { setStatus('Sorry, that message could not be sent.'); return false; }
      } catch (e) { /* offline or the connection dropped: try again */ }
      setStatus('Trying to send…');
      await sleep(1000 * Math.pow(2, attempt));
    }
    if (!left) setStatus('Sorry, the message could not be sent. Check your connection and try again.');
    return false;
  }

  async function fetchMessages(wait) {
    var r = await fetch('/chat/messages?after=' + seq + (wait ? '' : '&wait=0'),
      { credentials: 'same-origin', cache: 'no-store' });
    if (r.status === 401) { sessionLost(); return null; }
    if (r.status === 429) {
      var j = await r.json().catch(function () { return {}; });
      await sleep(1000 * (j.retry_after || 2));
      return [];
    }
    if (!r.ok) throw new Error('status ' + r.status);
    return r.json();
  }

  async function poll() {
    var failures = 0;
    while (!left) {
      try {
        var msgs = await fetchMessages(true);
        if (msgs === null) return;
        msgs.forEach(show);
        failures = 0;
      } catch (e) {
        failures++;
        await sleep(Math.min(30000, 1000 * Math.pow(2, failures)));
      }
    }
  }

  async function start() {
    try {
      var msgs = await fetchMessages(false);
      if (msgs === null) return;
      msgs.forEach(show);
      if (seq === 0) {
        // A new chat: say hi, so the welcome (with the crisis numbers) shows.
        for (var i = 0; i < 5 && !left && !(await send({ text: 'hi' })); i++) {
          if (statusBox.querySelector('a')) return; // no session
          await sleep(3000);
        }
      }
    } catch (e) { /* the poll below retries */ }
    poll();
  }

  form.addEventListener('submit', async function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    bubble('me', text);
    if (!(await send({ text: text })) && !input.value) input.value = text;
  });

  function leave() {
    left = true;
    try {
      if (!navigator.sendBeacon('/chat/leave')) throw new Error('beacon refused');
    } catch (e) {
      fetch('/chat/leave', { method: 'POST', credentials: 'same-origin', keepalive: true }).catch(function () {});
    }
    document.title = 'Weather';
    document.body.replaceChildren();
    try { history.replaceState(null, '', '/'); } catch (e) { /* ignore */ }
    if (framed) {
      // The school's page (embed.js) takes the whole tab away too.
      try { window.parent.postMessage({ signpost: 'leave' }, '*'); } catch (e) { /* ignore */ }
      try { window.top.location.replace(NEUTRAL); } catch (e) { /* not allowed: embed.js does it */ }
    }
    window.location.replace(NEUTRAL);
  }

  leaveBtn.addEventListener('click', leave);
  var lastEsc = 0;
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape') return;
    var now = Date.now();
    if (now - lastEsc < 800) leave();
    lastEsc = now;
  });

  start();
})();
