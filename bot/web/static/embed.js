// Signpost embed: put this on a school's site to add a "Talk to Signpost"
// button that opens the chat in a panel.
//
//   <script src="https://signpost.example/embed.js" data-source="oakwood" async></script>
//
// data-source tags the conversations with the school's source code
// (letters, digits, - and _); data-label changes the button's text. The
// chat loads only when the button is pressed, so visitors who never open
// it get no cookie.
(function () {
  'use strict';
  var me = document.currentScript;
  if (!me || window.signpostEmbed) return;
  window.signpostEmbed = true;

  var NEUTRAL = 'https://www.bbc.co.uk/weather';
  var origin = new URL(me.src, location.href).origin;
  var source = me.getAttribute('data-source') || '';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(source)) source = '';
  var url = origin + '/' + (source ? '?s=' + encodeURIComponent(source) : '');
  var font = '600 16px/1.2 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';

  function css(el, styles) {
    for (var k in styles) el.style[k] = styles[k];
    return el;
  }

  var button = css(document.createElement('button'), {
    position: 'fixed', right: '16px', bottom: '16px', zIndex: '2147483000',
    background: '#1d4f91', color: '#ffffff', border: '2px solid #ffffff', borderRadius: '999px',
    padding: '12px 20px', minHeight: '44px', font: font, cursor: 'pointer',
    boxShadow: '0 2px 8px rgba(0,0,0,0.35)'
  });
  button.type = 'button';
  button.textContent = me.getAttribute('data-label') || 'Talk to Signpost';
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', 'signpost-chat');

  var panel = null;

  function build() {
    panel = css(document.createElement('div'), {
      position: 'fixed', right: '16px', bottom: '80px', zIndex: '2147483000',
      width: 'min(400px, calc(100vw - 32px))', height: 'min(640px, calc(100vh - 112px))',
      display: 'flex', flexDirection: 'column', background: '#ffffff',
      border: '1px solid #595959', borderRadius: '12px', overflow: 'hidden',
      boxShadow: '0 4px 16px rgba(0,0,0,0.35)'
    });
    panel.id = 'signpost-chat';
    panel.setAttribute('role', 'region');
    panel.setAttribute('aria-label', 'Signpost chat');
    var close = css(document.createElement('button'), {
      alignSelf: 'flex-end', margin: '4px', minHeight: '44px', padding: '8px 14px',
      background: '#ffffff', color: '#1d4f91', border: '2px solid #1d4f91', borderRadius: '8px',
      font: font, cursor: 'pointer'
    });
    close.type = 'button';
    close.textContent = 'Close chat';
    close.addEventListener('click', shut);
    var frame = css(document.createElement('iframe'), { flex: '1', width: '100%', border: '0' });
    frame.title = 'Signpost chat';
    frame.src = url;
    frame.referrerPolicy = 'no-referrer';
    panel.append(close, frame);
    document.body.append(panel);
  }

  function open() {
    if (!panel) build();
    panel.hidden = false;
    panel.style.display = 'flex';
    button.setAttribute('aria-expanded', 'true');
    panel.querySelector('iframe').focus();
  }

  function shut() {
    if (!panel) return;
    panel.style.display = 'none';
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  }

  button.addEventListener('click', function () {
    if (panel && !panel.hidden) shut(); else open();
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && panel && !panel.hidden) shut();
  });
  // "Leave quickly" inside the chat: take the whole tab to a neutral page.
  window.addEventListener('message', function (e) {
    if (e.origin !== origin || !e.data || e.data.signpost !== 'leave') return;
    if (panel) panel.remove();
    button.remove();
    location.replace(NEUTRAL);
  });

  function mount() { document.body.append(button); }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
