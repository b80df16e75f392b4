// The report page's records browser: every number with a data-list attribute opens the
// publications it was counted from; every publication opens its trail, from the export
// file and line of each record through its duplicate group and decisions to the boxes it
// is counted in. The data is packed in the page (gzip, base64) and unpacked on first use.
// Text from the data is only ever set with textContent, never parsed as HTML.
"use strict";

(function () {
  var PAGE = 200;
  var loading = null;
  var data = null;
  var boxesOf = null;
  var words = JSON.parse(document.getElementById("page-words").textContent);

  // A value as it is written in a link: encoded, but with the ':' and '/' of record ids and
  // file names left readable (both are allowed in a fragment).
  function linkText(value) {
    return encodeURIComponent(value).replace(/%3A/g, ":").replace(/%2F/g, "/");
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        if (name === "text") node.textContent = attrs[name];
        else if (name === "onclick") node.addEventListener("click", attrs[name]);
        else node.setAttribute(name, attrs[name]);
      });
    }
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function load() {
    if (loading) return loading;
    var packed = document.getElementById("records-data");
    if (!packed || typeof DecompressionStream === "undefined") {
      loading = Promise.reject(new Error(words.no_data));
      return loading;
    }
    var text = packed.textContent.trim();
    var bytes = Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    loading = new Response(stream).text().then(function (json) {
      data = JSON.parse(json);
      Object.keys(data.lists).forEach(function (key) { unpack(data.lists[key]); });
      boxesOf = new Map();
      Object.keys(data.lists).forEach(function (key) {
        if (!/^r\d+\.box\./.test(key)) return;
        var list = data.lists[key];
        list.rows.concat(list.within).forEach(function (row) {
          if (!boxesOf.has(row)) boxesOf.set(row, []);
          boxesOf.get(row).push(key);
        });
      });
      document.documentElement.setAttribute("data-records-loaded", "yes");
      return data;
    });
    return loading;
  }

  function unpack(list) {
    var rows = [];
    var at = 0;
    list.p.forEach(function (step) { at += step; rows.push(at); });
    list.rows = rows;
    var within = [];
    at = 0;
    (list.w || []).forEach(function (step) { at += step; within.push(at); });
    list.within = within;
  }

  // --- the panel ---------------------------------------------------------------------------

  var panel = document.getElementById("browser");
  var title = document.getElementById("browser-title");
  var body = document.getElementById("browser-body");
  var permalink = document.getElementById("browser-link");

  var opener = null;

  function show(heading, link) {
    title.textContent = heading;
    permalink.href = "#" + link;
    permalink.textContent = words.permalink;
    body.textContent = "";
    panel.hidden = false;
    panel.focus();
  }

  function close() {
    panel.hidden = true;
    if (location.hash) history.pushState("", document.title, location.pathname + location.search);
    if (opener && document.contains(opener)) opener.focus();
    opener = null;
  }

  document.getElementById("browser-close").addEventListener("click", close);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) close();
  });

  function fail(error) {
    show(words.records, "");
    body.appendChild(el("p", { class: "problem", text: String(error.message || error) }));
  }

  // Text compared without case or accents, and with the letters that do not decompose
  // spelt as they are in English transliteration: "Øvreeide" is found by "ovreeide".
  var LETTERS = { "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l", "ı": "i", "þ": "th" };
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[øæœßđłıþ]/g, function (c) { return LETTERS[c]; });
  }

  function pubText(row) {
    var p = data.pubs;
    var rec = data.recs;
    var parts = [p.title[row], p.authors[row], p.year[row], p.group[row], p.kept[row],
      p.sources[row].join(" "), p.status[row], p.reason[row], p.study[row], p.doi[row], p.pmid[row]];
    p.records[row].forEach(function (r) {
      parts.push(rec.id[r], rec.title[r] || "", rec.authors[r] || "", rec.journal[r] || "");
    });
    return fold(parts.join(" "));
  }

  function shortAuthors(text) {
    var names = text.split("\n").filter(Boolean);
    if (names.length <= 3) return names.join("; ");
    return names.slice(0, 3).join("; ") + " " + words.et_al + " (" + names.length + ")";
  }

  function openList(key) {
    load().then(function () {
      var list = data.lists[key];
      if (!list) { fail(new Error(words.no_list + " " + key)); return; }
      renderList(key, list);
    }, fail);
  }

  function renderList(key, list) {
    show(list.label, "list=" + linkText(key));
    var unitWord = words["unit_" + list.unit + (list.n === 1 ? "_one" : "")] || list.unit;
    var summary = el("p", { class: "list-n" }, [
      el("strong", { text: "n = " + list.n.toLocaleString("en") }), " " + unitWord,
    ]);
    body.appendChild(summary);
    if (list.o) {
      var parts = el("ul", { class: "outside" });
      list.o.forEach(function (part) {
        var n = part[1] === null ? words.not_reported : part[1].toLocaleString("en");
        parts.appendChild(el("li", { text: part[0] + ": " + n }));
      });
      body.appendChild(el("p", { text: words.outside_parts }));
      body.appendChild(parts);
    }
    var rows = list.rows.map(function (row, i) {
      return { row: row, weight: list.r ? list.r[i] : null, study: list.s ? list.s[i] : null };
    });
    list.within.forEach(function (row) { rows.push({ row: row, within: true }); });
    var statuses = Array.from(new Set(rows.map(function (r) { return data.pubs.status[r.row]; }))).sort();
    var search = el("input", { type: "search", placeholder: words.filter, "aria-label": words.filter, class: "filter" });
    var status = el("select", { "aria-label": words.status }, [el("option", { value: "", text: words.any_status })]);
    statuses.forEach(function (s) { status.appendChild(el("option", { value: s, text: s })); });
    var counter = el("span", { class: "shown" });
    body.appendChild(el("div", { class: "controls" }, [search, status, counter]));
    var table = el("table", { class: "records" });
    var head = el("tr", null, [words.col_publication, words.col_year, words.col_sources,
      list.unit === "records" ? words.col_records : null, list.unit === "studies" ? words.col_study : null,
      words.col_status, words.col_decided].filter(Boolean).map(function (h) { return el("th", { text: h }); }));
    table.appendChild(head);
    var tbody = el("tbody");
    table.appendChild(tbody);
    body.appendChild(table);
    var more = el("button", { type: "button", class: "more", text: words.show_more });
    body.appendChild(more);
    var matching = rows;
    var shown = 0;

    function rowFor(item) {
      var p = data.pubs;
      var r = item.row;
      var link = el("a", { href: "#record=" + linkText(p.kept[r]), class: "pub-title", text: p.title[r] || words.untitled });
      var tr = el("tr", { "data-group": p.group[r] }, [
        el("td", null, [link, el("div", { class: "muted", text: shortAuthors(p.authors[r]) }),
          el("div", { class: "muted ids", text: p.group[r] + " · " + p.kept[r] }),
          item.within ? el("div", { class: "muted", text: words.within_stated }) : null]),
        el("td", { text: p.year[r] }),
        el("td", { text: p.sources[r].join("; ") }),
        list.unit === "records" ? el("td", { class: "n", text: item.within ? "" : String(item.weight) }) : null,
        list.unit === "studies" ? el("td", { text: item.study || "" }) : null,
        el("td", { text: p.status[r] + (p.reason[r] ? " (" + p.reason[r] + ")" : "") }),
        el("td", { class: "where", text: p.decided[r].join("; ") }),
      ]);
      return tr;
    }

    function more_rows() {
      var end = Math.min(matching.length, shown + PAGE);
      var fragment = document.createDocumentFragment();
      for (; shown < end; shown++) fragment.appendChild(rowFor(matching[shown]));
      tbody.appendChild(fragment);
      counter.textContent = words.showing.replace("{shown}", shown.toLocaleString("en"))
        .replace("{total}", matching.length.toLocaleString("en"));
      more.hidden = shown >= matching.length;
    }

    var texts = null;
    function apply() {
      var needle = fold(search.value.trim());
      var wanted = status.value;
      if (needle && !texts) {
        texts = new Map();
        rows.forEach(function (item) { texts.set(item.row, pubText(item.row)); });
      }
      matching = rows.filter(function (item) {
        if (wanted && data.pubs.status[item.row] !== wanted) return false;
        if (!needle) return true;
        return needle.split(/\s+/).every(function (word) { return texts.get(item.row).indexOf(word) >= 0; });
      });
      tbody.textContent = "";
      shown = 0;
      more_rows();
      if (!matching.length) {
        tbody.appendChild(el("tr", null, [el("td", { colspan: "7", class: "muted", text: rows.length ? words.nothing_found : words.empty_list })]));
      }
    }
    search.addEventListener("input", apply);
    status.addEventListener("change", apply);
    more.addEventListener("click", more_rows);
    if ("IntersectionObserver" in window) {
      new IntersectionObserver(function (entries) {
        if (entries[0].isIntersecting && !more.hidden) more_rows();
      }, { root: panel }).observe(more);
    }
    apply();
  }

  // --- one publication's trail ---------------------------------------------------------------

  function openPublication(group) {
    load().then(function () {
      var row = data.pubs.group.indexOf(group);
      if (row < 0) { fail(new Error(words.no_publication + " " + group)); return; }
      renderTrail(row);
    }, fail);
  }

  function openRecord(id) {
    load().then(function () {
      var r = data.recs.id.indexOf(id);
      if (r < 0 || data.recs.pub[r] < 0) { fail(new Error(words.no_record + " " + id)); return; }
      renderTrail(data.recs.pub[r], r);
    }, fail);
  }

  function renderTrail(row, focus) {
    var p = data.pubs;
    var cited = focus === undefined ? p.kept[row] : data.recs.id[focus];
    show(p.title[row] || words.untitled, "record=" + linkText(cited));
    body.appendChild(el("p", { class: "muted", text: shortAuthors(p.authors[row]) + " · " + p.year[row] +
      (p.journal[row] ? " · " + p.journal[row] : "") }));

    body.appendChild(el("h3", { text: "1. " + words.trail_records }));
    var records = el("table", { class: "records trail-records" }, [el("tr", null,
      [words.col_record, words.col_search, words.col_where, words.col_fields, words.col_group_role]
        .map(function (h) { return el("th", { text: h }); }))]);
    var rec = data.recs;
    p.records[row].forEach(function (r) {
      ["title", "authors", "year", "journal", "doi", "pmid"].forEach(function (field) {
        if (rec[field][r] === null) rec[field][r] = p[field][row];
      });
      var fields = [rec.title[r], rec.authors[r].split("\n").filter(Boolean).join("; "), rec.year[r],
        rec.journal[r], rec.volume[r], rec.pages[r], rec.doi[r] && "doi " + rec.doi[r],
        rec.pmid[r] && "PMID " + rec.pmid[r]].filter(Boolean).join(" · ");
      var role = rec.kept[r] ? words.kept : (words["merge_" + rec.merge[r]] || rec.merge[r]);
      var tr = el("tr", { id: "record-" + rec.id[r], "data-record": rec.id[r] }, [
        el("td", null, [el("a", { href: "#record=" + linkText(rec.id[r]), text: rec.id[r] })]),
        el("td", { text: rec.origin[r] }),
        el("td", { class: "where", text: data.files[rec.file[r]] + ":" + rec.line[r] }),
        el("td", { text: fields }),
        el("td", { text: role }),
      ]);
      if (r === focus) tr.className = "focus";
      records.appendChild(tr);
    });
    body.appendChild(records);

    body.appendChild(el("h3", { text: "2. " + words.trail_group + " " + p.group[row] }));
    var mine = new Set(p.records[row]);
    var pairs = data.pairs;
    var compared = [];
    pairs.a.forEach(function (a, i) {
      if (mine.has(a) || mine.has(pairs.b[i])) compared.push(i);
    });
    if (p.records[row].length === 1 && !compared.length) {
      body.appendChild(el("p", { text: words.single_record }));
    } else if (!compared.length) {
      body.appendChild(el("p", { text: words.no_pairs }));
    } else {
      var pt = el("table", { class: "records" }, [el("tr", null,
        [words.col_pair, words.col_decision, words.col_by, words.col_scores]
          .map(function (h) { return el("th", { text: h }); }))]);
      compared.forEach(function (i) {
        var scores = pairs.scores[i];
        var outsider = !(mine.has(pairs.a[i]) && mine.has(pairs.b[i]));
        pt.appendChild(el("tr", null, [
          el("td", { text: rec.id[pairs.a[i]] + " ↔ " + rec.id[pairs.b[i]] }),
          el("td", { text: pairs.decision[i] + (pairs.reason[i] ? ": " + pairs.reason[i] : "") +
            (outsider ? " (" + words.other_group + ")" : "") }),
          el("td", { text: words["by_" + pairs.by[i]] || pairs.by[i] }),
          el("td", { class: "muted", text: scores }),
        ]));
      });
      body.appendChild(pt);
    }

    body.appendChild(el("h3", { text: "3. " + words.trail_decisions }));
    var decisions = el("dl", { class: "decisions" });
    [["removed", words.stage_removed], ["screening", words.stage_screening],
      ["retrieval", words.stage_retrieval], ["eligibility", words.stage_eligibility]].forEach(function (pair) {
      var value = p[pair[0]][row];
      if (value) { decisions.appendChild(el("dt", { text: pair[1] })); decisions.appendChild(el("dd", { text: value })); }
    });
    if (p.reason[row]) { decisions.appendChild(el("dt", { text: words.reason })); decisions.appendChild(el("dd", { text: p.reason[row] })); }
    if (p.study[row]) { decisions.appendChild(el("dt", { text: words.study })); decisions.appendChild(el("dd", { text: p.study[row] })); }
    decisions.appendChild(el("dt", { text: words.read_from }));
    decisions.appendChild(el("dd", { class: "where", text: p.decided[row].length ? p.decided[row].join("; ") : words.no_decision }));
    body.appendChild(decisions);

    body.appendChild(el("h3", { text: "4. " + words.trail_boxes }));
    body.appendChild(el("p", null, [el("strong", { text: p.status[row] }),
      " · " + words.column + " " + p.column[row] + " · " + words.round + " " + p.round[row]]));
    var boxes = el("ul", { class: "boxes" });
    (boxesOf.get(row) || []).forEach(function (key) {
      var within = data.lists[key].within.indexOf(row) >= 0;
      boxes.appendChild(el("li", null, [el("a", { href: "#list=" + linkText(key), text: data.lists[key].label }),
        within ? " (" + words.within_stated + ")" : null]));
    });
    body.appendChild(boxes);
  }

  // --- finding a record ------------------------------------------------------------------------

  var finder = document.getElementById("find-record");
  if (finder) {
    finder.addEventListener("submit", function (event) {
      event.preventDefault();
      var needle = finder.querySelector("input").value.trim();
      if (!needle) return;
      load().then(function () {
        var exact = data.recs.id.indexOf(needle);
        if (exact >= 0) { location.hash = "record=" + linkText(needle); return; }
        var group = data.pubs.group.indexOf(needle);
        if (group >= 0) { location.hash = "record=" + linkText(data.pubs.kept[group]); return; }
        show(words.find_results + " “" + needle + "”", "");
        var words_ = fold(needle).split(/\s+/);
        var list = el("ol", { class: "found" });
        var found = 0;
        for (var row = 0; row < data.pubs.group.length && found < PAGE; row++) {
          var text = pubText(row);
          if (words_.every(function (w) { return text.indexOf(w) >= 0; })) {
            found++;
            list.appendChild(el("li", null, [el("a", { href: "#record=" + linkText(data.pubs.kept[row]), text: data.pubs.title[row] || words.untitled }),
              " " + data.pubs.year[row] + " · " + data.pubs.group[row]]));
          }
        }
        body.appendChild(found ? list : el("p", { text: words.nothing_found }));
      }, fail);
    });
  }

  // --- links and permalinks --------------------------------------------------------------------

  function route() {
    var hash = location.hash.slice(1);
    var at = hash.indexOf("=");
    if (at < 0) {
      if (!panel.hidden) { panel.hidden = true; if (opener && document.contains(opener)) opener.focus(); opener = null; }
      var target = hash && document.getElementById(decodeURIComponent(hash));
      if (target && target.tagName === "DETAILS") { target.open = true; target.scrollIntoView(); }
      return;
    }
    var kind = hash.slice(0, at);
    var value = decodeURIComponent(hash.slice(at + 1));
    if (kind === "list") openList(value);
    else if (kind === "pub") openPublication(value);
    else if (kind === "record") openRecord(value);
  }

  document.addEventListener("click", function (event) {
    var node = event.target.closest ? event.target.closest("[data-list]") : null;
    if (!node) return;
    event.preventDefault();
    if (!panel.contains(node)) opener = node;
    var key = node.getAttribute("data-list");
    var wanted = "#list=" + linkText(key);
    if (location.hash === wanted) openList(key);
    else location.hash = wanted;
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var node = event.target.closest ? event.target.closest("[data-list]") : null;
    if (node) node.dispatchEvent(new MouseEvent("click", { bubbles: true }));
  });
  // A printed page shows every source's searches: the closed sections open for printing
  // and close again afterwards.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.from(document.querySelectorAll("details:not([open])"));
    opened.forEach(function (section) { section.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (section) { section.open = false; });
  });
  window.addEventListener("hashchange", route);
  route();
})();
