// The console's one script. Pages work without it; it only enhances:
// - forms marked `data-enhance` save without a full reload: the answer's <main> (a
//   success, or the page with a conflict or error banner) replaces the current one;
// - keyboard shortcuts: an element with `data-shortcut="k"` is clicked (buttons, links,
//   radios) or focused (text boxes) when k is pressed outside a text box; `?` opens the
//   help overlay, Esc closes it or leaves the text box.
(function () {
  'use strict';
  var token = function () {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') : '';
  };
  var notice = function (text) {
    var n = document.getElementById('notice');
    if (n) { n.textContent = text; }
  };

  function swapMain(html, url) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var fresh = doc.getElementById('main');
    var main = document.getElementById('main');
    if (!fresh || !main) { return false; }
    main.innerHTML = fresh.innerHTML;
    if (doc.title) { document.title = doc.title; }
    if (url && url !== window.location.href) { window.history.pushState({}, '', url); }
    var focus = main.querySelector('[data-focus-after-save]') || main;
    focus.focus();
    return true;
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-enhance')) { return; }
    if ((form.getAttribute('method') || 'get').toLowerCase() !== 'post') { return; }
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form, event.submitter || null));
    var buttons = form.querySelectorAll('button');
    buttons.forEach(function (b) { b.disabled = true; });
    notice('Saving…');
    fetch(form.action, {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': token(), 'Accept': 'text/html' }
    }).then(function (response) {
      return response.text().then(function (html) {
        if (!swapMain(html, response.ok ? response.url : null)) {
          notice('Not saved: the answer could not be read. Reload the page and try again.');
          return;
        }
        notice(response.ok ? 'Saved.' : 'Not saved: see the message on the page.');
      });
    }).catch(function () {
      notice('Not saved: the connection failed. Check it and try again.');
    }).finally(function () {
      buttons.forEach(function (b) { b.disabled = false; });
    });
  });

  window.addEventListener('popstate', function () { window.location.reload(); });

  function typing(el) {
    if (!el) { return false; }
    var tag = el.tagName;
    return tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable ||
      (tag === 'INPUT' && !/^(checkbox|radio|button|submit)$/i.test(el.type));
  }

  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var dialog = document.getElementById('shortcuts');
    if (event.key === 'Escape') {
      if (typing(document.activeElement)) { document.activeElement.blur(); }
      return;
    }
    if (typing(event.target)) { return; }
    if (event.key === '?') {
      if (dialog && dialog.showModal && !dialog.open) {
        event.preventDefault();
        dialog.showModal();
      }
      return;
    }
    if (dialog && dialog.open) { return; }
    var target = document.querySelector('[data-shortcut="' + CSS.escape(event.key) + '"]');
    if (!target) { return; }
    event.preventDefault();
    if (typing(target)) {
      target.focus();
      if (target.select) { target.select(); }
      return;
    }
    target.click();
    var then = target.getAttribute('data-then-focus');
    if (then) {
      var next = document.querySelector(then);
      if (next) { next.focus(); }
    }
  });

  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('#shortcuts-link');
    var dialog = document.getElementById('shortcuts');
    if (link && dialog && dialog.showModal) {
      event.preventDefault();
      dialog.showModal();
    }
  });
}());
