/*
 * scm console: small progressive enhancements. Every page works without this file; with it:
 *
 *  - select.auto-submit      submits its form when the selection changes;
 *  - [data-confirm]          on a form, a submit button or a link: asks for confirmation
 *                            with the attribute's text before going on;
 *  - details.more            dropdown menus close on a click elsewhere, on Escape, and when
 *                            another one opens;
 *  - [data-refresh="N"]      reloads the page every N seconds (a certificate in review),
 *                            but not while the tab is hidden or the user is busy with a
 *                            form field or an open menu.
 *
 * The Content-Security-Policy forbids inline scripts and handlers: everything is bound here.
 */
(function () {
  "use strict";

  function closest(node, selector) {
    return node && node.nodeType === 1 ? node.closest(selector) : null;
  }

  function submitForm(form) {
    if (!form) return;
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  // --- auto-submit selects ----------------------------------------------------------------

  document.addEventListener("change", function (event) {
    var select = closest(event.target, "select.auto-submit");
    if (select && select.form) {
      // Changing a filter starts again at the first page.
      var page = select.form.querySelector("input[name='page']");
      if (page && select.name !== "page") page.value = "";
      submitForm(select.form);
    }
  });

  // --- confirmations ----------------------------------------------------------------------

  // Set while a confirmed button submits its form, so the form's own question is not asked
  // a second time.
  var confirmedForm = null;

  document.addEventListener("click", function (event) {
    var el = closest(event.target, "button[data-confirm], input[type='submit'][data-confirm], a[data-confirm]");
    if (!el) return;
    var text = el.getAttribute("data-confirm");
    if (!text) return;
    if (!window.confirm(text)) {
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    if (el.form) confirmedForm = el.form;
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.matches || !form.matches("form[data-confirm]")) return;
    if (confirmedForm === form) {
      confirmedForm = null;
      return;
    }
    var text = form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  // --- details.more dropdowns -------------------------------------------------------------

  function closeMenus(except) {
    var open = document.querySelectorAll("details.more[open]");
    for (var i = 0; i < open.length; i++) {
      if (open[i] !== except) open[i].removeAttribute("open");
    }
  }

  document.addEventListener("click", function (event) {
    closeMenus(closest(event.target, "details.more"));
  });

  // "toggle" does not bubble: listen in the capture phase.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details && details.matches && details.matches("details.more") && details.open) {
      closeMenus(details);
    }
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = closest(document.activeElement, "details.more[open]") ||
      document.querySelector("details.more[open]");
    if (!open) return;
    open.removeAttribute("open");
    var summary = open.querySelector("summary");
    if (summary) summary.focus();
  });

  // --- periodic refresh while a certificate is in review ----------------------------------

  function busy() {
    var active = document.activeElement;
    if (active && active !== document.body &&
        active.matches("input:not([type='hidden']), select, textarea, [contenteditable='true']")) {
      return true;
    }
    return document.querySelector("details.more[open]") !== null;
  }

  function setUpRefresh() {
    var el = document.querySelector("[data-refresh]");
    if (!el) return;
    var seconds = parseInt(el.getAttribute("data-refresh"), 10);
    if (!(seconds > 0)) return;
    seconds = Math.max(seconds, 3);

    var timer = null;
    function schedule(delay) {
      window.clearTimeout(timer);
      timer = window.setTimeout(tick, delay * 1000);
    }
    function tick() {
      if (document.hidden || busy()) {
        schedule(Math.min(seconds, 5));
        return;
      }
      window.location.reload();
    }
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) schedule(seconds);
    });
    schedule(seconds);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpRefresh);
  } else {
    setUpRefresh();
  }
})();
