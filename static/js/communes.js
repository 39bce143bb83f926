// Any form with a province and "Cập nhật danh sách xã": reload the commune list as soon as
// the province changes. Without JavaScript the button does the same.
(function () {
  var province = document.getElementById("id_province");
  var update = document.querySelector("button[name=update_communes]");
  if (province && update) {
    update.hidden = true;
    province.addEventListener("change", function () { update.click(); });
  }
})();
