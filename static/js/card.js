// Card step: Stripe Elements confirms the order's PaymentIntent; the page's poller
// (order-status.js) then shows "paid" once Stripe's webhook has reached the server.
(function () {
  var box = document.getElementById("card-step");
  if (!box || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(box.dataset.key);
  var card = stripe.elements().create("card", { hidePostalCode: true });
  card.mount("#card-element");
  var form = document.getElementById("card-form");
  var errors = document.getElementById("card-errors");
  var button = document.getElementById("card-pay");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    var label = button.textContent;
    button.textContent = box.dataset.wait;
    errors.textContent = "";
    stripe.confirmCardPayment(box.dataset.secret, { payment_method: { card: card } }).then(function (result) {
      var intent = result && result.paymentIntent;
      if (result && result.error || !intent || intent.status === "requires_payment_method") {
        errors.textContent = (result && result.error && result.error.message) || box.dataset.error;
        button.disabled = false;
        button.textContent = label;
        return;
      }
      document.dispatchEvent(new Event("choso:check-status"));
    });
  });
})();
