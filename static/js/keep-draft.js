// Field agents sign up many vendors in a row on a weak connection: keep what is typed in
// this phone's storage until the server has taken it, so a dropped connection loses nothing.
(function () {
  var form = document.getElementById("apply-form");
  if (!form || !window.localStorage) { return; }
  var key = "choso-apply-draft";
  // The CCCD number is not kept on a phone that may be lent or lost; a draft older
  // than 12 hours (another camp day) is dropped.
  var skip = { csrfmiddlewaretoken: 1, consent: 1, cccd: 1 };
  var maxAge = 12 * 3600 * 1000;
  // A success message on this page means the last draft reached the server.
  if (document.querySelector(".alert-success")) { localStorage.removeItem(key); }
  var saved = null;
  try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
  if (saved && !(saved._at > Date.now() - maxAge)) { saved = null; localStorage.removeItem(key); }
  var hasErrors = document.querySelector(".errorlist li");
  if (saved && !hasErrors) {
    Object.keys(saved).forEach(function (name) {
      var field = form.elements[name];
      if (name !== "_at" && field && !skip[name] && field.type !== "checkbox" && !field.value) { field.value = saved[name]; }
    });
  }
  form.addEventListener("input", function () {
    var data = { _at: Date.now() };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && !skip[el.name] && el.type !== "checkbox") { data[el.name] = el.value; }
    });
    localStorage.setItem(key, JSON.stringify(data));
  });
})();
