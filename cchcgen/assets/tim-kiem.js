// The search page. The index (Pagefind) holds each page's text folded: lowercase, no
// diacritics, "đ" as "d". The query is folded the same way here, so "đăng ký", "dang ky"
// and "DANG KY" find the same pages. Titles, dates and summaries shown come from the
// index's metadata, in the original Vietnamese. Nothing leaves the reader's browser.
const form = document.querySelector("form.search-form");
const input = form.querySelector("input[name=q]");
const sections = form.querySelector(".search-sections");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
let pagefind = null;

function fold(text) {
  return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
}

// The index is in shards (a section, a year, …), each a Pagefind bundle in its own folder,
// listed in shards.json: the first is loaded with Pagefind's code, the others merged in.
async function load() {
  const bundle = form.dataset.bundle;
  const response = await fetch(bundle + "shards.json", { cache: "no-cache" });
  const shards = (await response.json()).shards;
  const first = await import(bundle + shards[0] + "/pagefind.js");
  await Promise.all(shards.slice(1).map((name) => first.mergeIndex(bundle + name + "/")));
  return first;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => values[key]);
}

function chosenSection() {
  const checked = form.querySelector("input[name=muc]:checked");
  return checked ? checked.value : "";
}

function item(data) {
  const li = document.createElement("li");
  li.className = "search-result";
  const section = document.createElement("p");
  section.className = "search-result-section";
  section.textContent = data.meta.section + (data.meta.date ? " · " + data.meta.date : "");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = form.dataset.base + data.meta.url.replace(/^\//, "");
  link.textContent = data.meta.title;
  heading.append(link);
  const summary = document.createElement("p");
  summary.textContent = data.meta.summary;
  li.append(heading, section, summary);
  return li;
}

async function run() {
  const query = input.value.trim();
  const section = chosenSection();
  const url = new URL(window.location.href);
  url.searchParams.set("q", query);
  if (section) url.searchParams.set("muc", section); else url.searchParams.delete("muc");
  window.history.replaceState(null, "", url);
  list.replaceChildren();
  if (!query) { status.textContent = ""; return; }
  status.textContent = form.dataset.loading;
  if (!pagefind) pagefind = await load();
  const search = await pagefind.search(fold(query));
  // Results are loaded in pages of 40, re-ranked and, when a section is chosen, filtered on
  // their metadata. A page of the kind the query names ("ke hoach ..." names plans) whose
  // title holds the other words comes first; then a title holding the words typed, in
  // order, then one holding all of them; within each, a procedure comes before news, and a
  // shorter title (fewer words not typed) before a longer one. Pagefind's order only breaks
  // the remaining ties: each shard of the index scores with its own counts.
  const words = fold(query).split(" ").filter(Boolean);
  const phrase = words.join(" ");
  const rank = (data) => {
    const title = fold(data.meta.title);
    const kind = data.meta.kind ? fold(data.meta.kind) : "";
    if (kind && (" " + phrase + " ").includes(" " + kind + " ")) {
      const named = kind.split(" ");
      if (words.filter((w) => !named.includes(w)).every((w) => title.includes(w))) return 0;
    }
    const fit = title.includes(phrase) ? 1 : words.every((w) => title.includes(w)) ? 3 : 5;
    return fit < 5 && data.meta.section !== form.dataset.first ? fit + 1 : fit;
  };
  const kept = [];
  for (let start = 0; start < search.results.length; start += 40) {
    const batch = await Promise.all(search.results.slice(start, start + 40).map((r) => r.data()));
    kept.push(...batch.filter((data) => !section || data.meta.section === section));
    if (!section && kept.length >= 20) break;
  }
  const length = (data) => (rank(data) < 5 ? fold(data.meta.title).split(" ").length : 0);
  const ordered = kept.map((data, index) => ({ data, index }))
    .sort((a, b) => rank(a.data) - rank(b.data) || length(a.data) - length(b.data)
      || a.index - b.index).map((x) => x.data);
  const total = section ? kept.length : search.results.length;
  const shown = ordered.slice(0, 20);
  shown.forEach((data) => list.append(item(data)));
  status.textContent = fill(shown.length ? form.dataset.results : form.dataset.none,
    { count: String(total), query: query });
}

const params = new URLSearchParams(window.location.search);
input.value = params.get("q") || "";
const wanted = params.get("muc");
if (wanted) {
  const radio = Array.from(form.querySelectorAll("input[name=muc]")).find((r) => r.value === wanted);
  if (radio) radio.checked = true;
}
sections.hidden = false;
form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
sections.addEventListener("change", run);
run();
