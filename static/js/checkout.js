// Progressive help for checkout; every form also works without it.
(function () {
  // One click, one order: the button is disabled after the first submit.
  document.querySelectorAll("form.js-once").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = form.querySelector("button[type=submit]");
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      if (button) { setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
})();
