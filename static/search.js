// The search page of lemma's default theme: asks the Pagefind index under `pagefind/` for the
// words of `?q=` (or of the search field as it is typed) and lists each hit's title and an
// excerpt, the matching words marked by Pagefind with <mark>.
const root = document.getElementById("search");
const field = document.getElementById("search-query");
const status = root.querySelector(".search-status");
const list = root.querySelector(".search-results");
const MAX_RESULTS = 20;
let pagefind = null;
let latest = 0;

async function index() {
  if (!pagefind) {
    pagefind = await import(root.dataset.base + "pagefind/pagefind.js");
    // The index holds each page's URL with the base path already in it.
    await pagefind.options({ baseUrl: "/" });
    await pagefind.init();
  }
  return pagefind;
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
  const hits = await Promise.all(search.results.slice(0, MAX_RESULTS).map((r) => r.data()));
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
