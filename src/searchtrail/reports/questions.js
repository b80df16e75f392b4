// The duplicate questions page: answers are kept in this browser (localStorage, under the
// review's title and the pair) and saved as a CSV file with the verdicts file's columns.
// Text from the review is only ever set with textContent, never parsed as HTML.
"use strict";

(function () {
  var data = JSON.parse(document.getElementById("questions-data").textContent);
  var pairs = data.pairs;
  if (!pairs.length) return;
  var VERDICTS = { a: "duplicate", b: "duplicate", no: "not duplicate" };
  var KEYS = { a: "a", b: "b", n: "no", o: "" };
  var storage = null;
  try {
    storage = window.localStorage;
    storage.getItem(data.storage);
  } catch (error) {
    storage = null;
  }
  var current = -1;  // the pair last focused; none yet

  function article(pair) { return document.getElementById(pair.id); }
  function radios(pair) {
    return Array.prototype.slice.call(article(pair).querySelectorAll('input[type="radio"]'));
  }
  function noteInput(pair) { return article(pair).querySelector("input.note-input"); }
  function answer(pair) {
    var checked = article(pair).querySelector('input[type="radio"]:checked');
    return checked ? checked.value : "";
  }
  function storageKey(pair) {
    return JSON.stringify([data.storage, data.review, pair.a, pair.b]);
  }

  function remember(pair) {
    if (!storage) return;
    var value = answer(pair);
    var note = noteInput(pair).value;
    try {
      if (!value && !note) storage.removeItem(storageKey(pair));
      else storage.setItem(storageKey(pair), JSON.stringify({ answer: value, note: note }));
    } catch (error) {
      // Storage full or refused: the answers stay on the page until it is closed.
    }
  }

  function recall(pair) {
    if (!storage) return;
    var kept = null;
    try {
      kept = JSON.parse(storage.getItem(storageKey(pair)) || "null");
    } catch (error) {
      kept = null;
    }
    if (!kept || typeof kept !== "object") return;
    if (typeof kept.answer === "string") {
      radios(pair).forEach(function (radio) { radio.checked = radio.value === kept.answer; });
    }
    if (typeof kept.note === "string") noteInput(pair).value = kept.note;
  }

  function count() {
    var answered = 0;
    pairs.forEach(function (pair) {
      var done = answer(pair) !== "";
      if (done) answered += 1;
      article(pair).classList.toggle("answered", done);
    });
    document.getElementById("answered").textContent = String(answered);
    return answered;
  }

  function choose(pair, value) {
    radios(pair).forEach(function (radio) { radio.checked = radio.value === value; });
    remember(pair);
    count();
  }

  function go(index) {
    current = Math.max(0, Math.min(pairs.length - 1, index));
    var target = article(pairs[current]);
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
  }

  // What a spreadsheet would run as a formula is written with a leading apostrophe, as every
  // CSV file of searchtrail is; searchtrail reads it back without it.
  function cell(value) {
    var text = String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
    if (/[",\r\n]/.test(text) || /^\s|\s$/.test(text)) return '"' + text.replace(/"/g, '""') + '"';
    return text;
  }

  function table() {
    var lines = [data.columns.map(cell).join(",")];
    pairs.forEach(function (pair) {
      var value = answer(pair);
      if (!value) return;
      var row = {
        record_a: pair.a,
        record_b: pair.b,
        verdict: VERDICTS[value],
        keep: value === "a" || value === "b" ? value : "",
        note: noteInput(pair).value.trim(),
        title_a: pair.title_a,
        title_b: pair.title_b
      };
      lines.push(data.columns.map(function (name) { return cell(row[name] || ""); }).join(","));
    });
    return { text: "\ufeff" + lines.join("\n") + "\n", rows: lines.length - 1 };
  }

  function save() {
    var saved = document.getElementById("saved");
    var made = table();
    if (!made.rows) {
      saved.textContent = "No pair is answered yet: nothing to save.";
      return;
    }
    var url = URL.createObjectURL(new Blob([made.text], { type: "text/csv;charset=utf-8" }));
    var link = document.createElement("a");
    link.href = url;
    link.download = data.file;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    saved.textContent = made.rows + (made.rows === 1 ? " verdict" : " verdicts") + " saved as " +
      data.file + ". Add them with: searchtrail screening verdicts REVIEW " + data.file;
  }

  pairs.forEach(function (pair, index) {
    recall(pair);
    var node = article(pair);
    node.addEventListener("change", function () { remember(pair); count(); });
    node.addEventListener("input", function (event) {
      if (event.target === noteInput(pair)) remember(pair);
    });
    node.addEventListener("focusin", function () { current = index; });
  });
  count();
  document.getElementById("save").addEventListener("click", save);

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.tagName === "TEXTAREA" ||
        (target.tagName === "INPUT" && target.type === "text"))) return;
    var key = event.key.toLowerCase();
    if (key === "j" || key === "k") {
      go(current + (key === "j" ? 1 : -1));
      event.preventDefault();
      return;
    }
    if (Object.prototype.hasOwnProperty.call(KEYS, key) && current >= 0 && target &&
        target.closest && target.closest("article.pair")) {
      choose(pairs[current], KEYS[key]);
      event.preventDefault();
    }
  });
})();
