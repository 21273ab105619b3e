/* The search page: Pagefind's JS API on the bundle sitegen/search.py builds into /pagefind/.
   A module file, not an inline script (the CSP allows neither); no inline styles either: results are
   built with DOM methods and shown or hidden with the `hidden` attribute. Without this script the page
   says that search needs JavaScript and links to the stories and the topics instead. */

const PAGE_SIZE = 10; // results shown at once; "show more" adds the next ones
const DELAY_MS = 250; // typing pause before searching as you type

const form = document.querySelector("form.search-form[data-bundle]");
const input = document.getElementById("search_query");
const status = document.getElementById("search_status");
const list = document.getElementById("search_results");
const more = document.getElementById("search_more");
const fallback = document.getElementById("search_fallback");
const fallbackText = document.getElementById("search_fallback_text");
const lang = document.documentElement.lang || "da";

let current = null; // { query, results, shown } of the latest search
let generation = 0; // each search gets a number; answers to older ones are dropped
let timer = 0;

if (form && input && status && list && more && fallback && fallbackText) {
  const pagefind = load();
  fallback.hidden = true;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(pagefind, input.value, false), DELAY_MS);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    search(pagefind, input.value, true);
  });
  more.querySelector("button").addEventListener("click", async () => {
    const first = await showNext(generation);
    if (first) first.focus();
  });
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    search(pagefind, query, true);
  }
}

/** Pagefind's module from this site (never a CDN); null when it cannot start. */
async function load() {
  try {
    const pagefind = await import(`${form.dataset.bundle}pagefind.js`);
    await pagefind.options({ excerptLength: 24 });
    await pagefind.init();
    return pagefind;
  } catch (error) {
    unavailable(error);
    return null;
  }
}

/** Search cannot work here: say so, and offer the links instead. */
function unavailable(error) {
  console.warn("Pagefind could not search:", error);
  current = null;
  list.replaceChildren();
  show([], false);
  fallbackText.textContent = fallbackText.dataset.unavailable;
  fallbackText.hidden = false;
  fallback.hidden = false;
  status.textContent = "";
}

/** Search and show the first results; the count goes to the live region once they are there. */
async function search(loading, raw, submitted) {
  const query = raw.trim();
  const mine = ++generation;
  remember(query);
  if (!query) {
    current = null;
    show([], false);
    status.textContent = "";
    return;
  }
  if (submitted) status.textContent = status.dataset.searching;
  const pagefind = await loading;
  if (!pagefind || mine !== generation) return;
  let found;
  try {
    found = await pagefind.search(query);
  } catch (error) {
    if (mine === generation) unavailable(error);
    return;
  }
  if (!found || mine !== generation) return; // a newer search is under way
  current = { query, results: found.results, shown: 0 };
  list.replaceChildren();
  if (found.results.length === 0) {
    show([], true);
    announce(status.dataset.noResults, 0, query);
    return;
  }
  try {
    await showNext(mine);
  } catch (error) {
    if (mine === generation) unavailable(error);
    return;
  }
  if (mine !== generation) return;
  const count = found.results.length;
  announce(count === 1 ? status.dataset.resultsOne : status.dataset.results, count, query);
}

/** Add the next page of results; returns the first new link (to move focus to after "show more"). */
async function showNext(mine) {
  if (!current) return null;
  const slice = current.results.slice(current.shown, current.shown + PAGE_SIZE);
  const data = await Promise.all(slice.map((result) => result.data()));
  if (mine !== generation) return null;
  current.shown += slice.length;
  const items = data.map(resultItem);
  list.append(...items);
  show(items, false);
  return items.length ? items[0].querySelector("a") : null;
}

function resultItem(data) {
  const item = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = (data.meta && data.meta.title) || data.url;
  heading.append(link);
  const excerpt = document.createElement("p");
  excerpt.append(...excerptNodes(data.excerpt || ""));
  item.append(heading, excerpt);
  return item;
}

/** Pagefind's excerpt is escaped text with <mark> around the hits: keep only the text and the marks. */
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(html, "text/html"); // inert: nothing runs or loads
  return Array.from(parsed.body.childNodes, (node) => {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      return mark;
    }
    return document.createTextNode(node.textContent);
  });
}

function show(items, noResults) {
  list.hidden = list.children.length === 0;
  more.hidden = !current || current.shown >= current.results.length;
  fallback.hidden = !noResults;
  if (noResults) fallbackText.hidden = true;
}

function announce(template, count, query) {
  status.textContent = template
    .replace("{count}", count.toLocaleString(lang))
    .replace("{query}", query);
}

/** Keep the query in the address, so it can be shared and the back button returns to it. */
function remember(query) {
  const url = new URL(window.location.href);
  if (query) url.searchParams.set("q", query);
  else url.searchParams.delete("q");
  window.history.replaceState(null, "", url);
}
