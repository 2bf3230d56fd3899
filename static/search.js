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
let merged = false;

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
  merged = parts.parts.length > 0;
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

// The first results to show. Each part of a merged index ranks its pages alone, and a part
// that does not know a word answers with pages holding its longest known prefix ("s" for
// "singular"), which a single index does only for a word no page has. So over a merged index,
// the pages whose text holds at least one of the words searched come first, each group in
// Pagefind's order.
async function best(query, results) {
  if (!merged) {
    return Promise.all(results.slice(0, MAX_RESULTS).map((r) => r.data()));
  }
  const words = query.toLowerCase().replaceAll('"', " ").split(/\s+/).filter(Boolean);
  const candidates = await Promise.all(results.slice(0, 2 * MAX_RESULTS).map((r) => r.data()));
  const holds = (data) => {
    const text = `${data.meta.title || ""} ${data.content}`.toLowerCase();
    return words.some((word) => text.includes(word));
  };
  const found = candidates.filter(holds);
  const rest = candidates.filter((data) => !holds(data));
  return [...found, ...rest].slice(0, MAX_RESULTS);
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
  const search = await (await index()).search(query);
  const hits = await best(query, search.results);
  if (ticket !== latest) return;
  list.replaceChildren(...hits.map(item));
  status.textContent = hits.length
    ? root.dataset.found.replace("{count}", search.results.length)
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
