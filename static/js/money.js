// "Nhận tiền": poll for new payments into the stall's account, show the amount large and
// say it in Vietnamese ("Đã nhận 50.000 đồng"); without a Vietnamese voice, a short chime.
(function () {
  var box = document.getElementById("money");
  if (!box) { return; }
  var after = parseInt(box.dataset.after || "0", 10);
  var soundOn = false, audio = null;
  var button = document.getElementById("money-sound");
  function viVoice() {
    if (!window.speechSynthesis) { return null; }
    var voices = window.speechSynthesis.getVoices();
    for (var i = 0; i < voices.length; i++) { if (/^vi/i.test(voices[i].lang)) { return voices[i]; } }
    return null;
  }
  function chime() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { return; }
    audio = audio || new Ctx();
    [880, 1320].forEach(function (freq, i) {
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = freq; osc.connect(gain); gain.connect(audio.destination);
      gain.gain.setValueAtTime(0.3, audio.currentTime + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + i * 0.18 + 0.16);
      osc.start(audio.currentTime + i * 0.18); osc.stop(audio.currentTime + i * 0.18 + 0.17);
    });
  }
  function announce(payment) {
    document.getElementById("money-amount").textContent = payment.text;
    document.getElementById("money-when").textContent = payment.time;
    var item = document.createElement("li");
    item.innerHTML = "<strong></strong> · " + payment.time;
    item.firstChild.textContent = payment.text;
    var list = document.getElementById("money-list");
    var empty = list.querySelector("li.muted");
    if (empty) { list.removeChild(empty); }
    list.insertBefore(item, list.firstChild);
    if (!soundOn) { return; }
    var voice = viVoice();
    if (voice) {
      var say = new SpeechSynthesisUtterance(payment.speech);
      say.voice = voice; say.lang = "vi-VN";
      window.speechSynthesis.speak(say);
    } else { chime(); }
  }
  var waiting = null, asking = false;
  function poll() {
    if (asking) { return; }
    asking = true;
    fetch(box.dataset.feed + "?after=" + after, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { payments: [] }; })
      .then(function (data) {
        data.payments.forEach(function (p) { after = Math.max(after, p.id); announce(p); });
        var pending = document.getElementById("money-pending");
        if (pending && typeof data.pending_change === "string") {
          pending.textContent = data.pending_change;
          pending.hidden = !data.pending_change;
        }
      })
      .catch(function () {})
      .then(function () {
        asking = false;
        if (!document.hidden) { waiting = setTimeout(poll, 3000); }
      });
  }
  // A hidden tab (screen off, another app) stops asking; coming back asks at once, and the
  // payments that arrived meanwhile are all shown.
  document.addEventListener("visibilitychange", function () {
    clearTimeout(waiting);
    if (!document.hidden) { poll(); }
  });
  if (button) {
    // Browsers only let a page speak after a tap.
    button.addEventListener("click", function () {
      soundOn = true; button.disabled = true;
      if (window.speechSynthesis) { window.speechSynthesis.getVoices(); }
      chime();
    });
  }
  waiting = setTimeout(poll, 3000);
})();
