// The search page of lemma's default theme: asks the Pagefind index under `pagefind/` for the
// words of `?q=` (or of the search field as it is typed) and lists each hit's title and an
// excerpt, the matching words marked by Pagefind with <mark>.
const root = document.getElementById("search");
const field = document.getElementById("search-query");
const status = root.querySelector(".search-status");
const list = root.querySelector(".search-results");
const MAX_RESULTS = 20;
let loading = null;
let latest = 0;

// The index comes in parts (see lemma's src/search.rs): the first, with Pagefind's scripts,
// under `pagefind/`, and the others in the folders `pagefind/lemma-parts.json` lists, merged
// into it. A missing list means an index of one part.
async function load() {
  const folder = root.dataset.base + "pagefind/";
  const [pagefind, parts] = await Promise.all([
    import(folder + "pagefind.js"),
    fetch(folder + "lemma-parts.json", { cache: "no-cache" })
      .then((response) => (response.ok ? response.json() : { parts: [] }))
      .catch(() => ({ parts: [] })),
  ]);
  // The index holds each page's URL with the base path already in it.
  await pagefind.options({ baseUrl: "/" });
  await pagefind.init();
  await Promise.all(
    parts.parts.map((part) => pagefind.mergeIndex(folder + part, { baseUrl: "/" })),
  );
  return pagefind;
}

function index() {
  loading ??= load().catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
}

function item(data) {
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  // Pagefind escapes the page text and adds only <mark> around the hits.
  excerpt.innerHTML = data.excerpt;
  li.append(link, excerpt);
  return li;
}

// The results to show: when some pages hold every word searched, each asked for exactly
// (which never falls back to a prefix), those pages alone, in Pagefind's order; otherwise all
// Pagefind found (a word still being typed, or one no page has). Each part of a merged index
// answers a word it does not know with pages holding its longest known prefix ("s" for
// "singular"): those pages would outnumber, and could outrank, the one page that has the word.
// A single index ranks a title's own article higher this way too (see bench/search.py). A
// quoted search is exact already.
async function relevant(pagefind, query, results) {
  const words = query.replaceAll('"', " ").split(/\s+/).filter(Boolean);
  if (/^\s*".+"\s*$/.test(query) || !words.length) {
    return results;
  }
  const exact = await Promise.all(words.map((word) => pagefind.search(`"${word}"`)));
  const holding = exact.map((search) => new Set(search.results.map((r) => r.id)));
  const holdsAll = results.filter((result) => holding.every((ids) => ids.has(result.id)));
  return holdsAll.length ? holdsAll : results;
}

async function run(query) {
  const ticket = ++latest;
  const url = new URL(location.href);
  url.searchParams.set("q", query);
  history.replaceState(null, "", url);
  if (!query.trim()) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  const pagefind = await index();
  const search = await pagefind.search(query);
  const results = await relevant(pagefind, query, search.results);
  const hits = await Promise.all(results.slice(0, MAX_RESULTS).map((r) => r.data()));
  if (ticket !== latest) return;
  list.replaceChildren(...hits.map(item));
  status.textContent = hits.length
    ? root.dataset.found.replace("{count}", results.length)
    : root.dataset.none;
  root.dataset.state = "done";
}

let timer = null;
field.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => run(field.value), 200);
});
root.querySelector("form").addEventListener("submit", (event) => {
  event.preventDefault();
  run(field.value);
});
field.value = new URLSearchParams(location.search).get("q") || "";
run(field.value);
