// While an order waits for money, ask the server every few seconds and reload the page
// when its status changes. Stops after 30 minutes; the "Kiểm tra lại" link still works.
(function () {
  var el = document.getElementById("order-status");
  if (!el || !el.dataset.poll) { return; }
  var started = Date.now(), timer = null;
  function check() {
    fetch(el.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.status !== el.dataset.status) { window.location.reload(); return; }
        schedule();
      })
      .catch(schedule);
  }
  function schedule() {
    clearTimeout(timer);
    if (Date.now() - started < 30 * 60 * 1000) { timer = setTimeout(check, 4000); }
  }
  document.addEventListener("choso:check-status", check);
  schedule();
})();
