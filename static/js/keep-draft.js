// Field agents sign up many vendors in a row on a weak connection: keep what is typed in
// this phone's storage until the server has taken it, so a dropped connection loses nothing.
(function () {
  var form = document.getElementById("apply-form");
  if (!form || !window.localStorage) { return; }
  var key = "choso-apply-draft";
  var skip = { csrfmiddlewaretoken: 1, consent: 1 };
  // A success message on this page means the last draft reached the server.
  if (document.querySelector(".alert-success")) { localStorage.removeItem(key); }
  var saved = null;
  try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
  var hasErrors = document.querySelector(".errorlist li");
  if (saved && !hasErrors) {
    Object.keys(saved).forEach(function (name) {
      var field = form.elements[name];
      if (field && !skip[name] && field.type !== "checkbox" && !field.value) { field.value = saved[name]; }
    });
  }
  form.addEventListener("input", function () {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && !skip[el.name] && el.type !== "checkbox") { data[el.name] = el.value; }
    });
    localStorage.setItem(key, JSON.stringify(data));
  });
})();
