// WCAG 1.4.10 reflow, shared by the crawl (check.mjs) and the journeys (journeys.mjs): at the
// page's current width nothing may make it scroll sideways; a wide table, a <pre> or a chart
// scrolls inside its own region. Returns the innermost elements that stick out (at most 3).
export async function sticksOut(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const inRegion = (e) => e.closest('.table-wrap, pre, .chart-figure');
    return [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > width + 1 && !inRegion(e))
      .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > width + 1))
      .slice(0, 3)
      .map((e) => ({
        target: e.tagName.toLowerCase() + (e.id ? `#${e.id}` : ''),
        html: e.outerHTML.slice(0, 200),
        summary: `right edge at ${Math.round(e.getBoundingClientRect().right)} px`,
      }));
  });
}
