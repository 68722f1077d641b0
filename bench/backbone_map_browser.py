"""The backbone map in a real browser (Debian's chromium through Playwright) at Klaten's size and 5x, next to the
radial fan the plugin drew before issue 14 in the same run: what a NOC screen pays to show and use the map.

Each case is one page holding what the map page holds: the SVG the server renders (logic/topology_svg, the same
topologies as bench/backbone_map.py and the tests) with the map's own style and script
(static/netbox_egov/backbone_map.css/.js), loaded from a file, no NetBox around it (its chrome is the same for
both maps). Measured in the page, from navigation start:
- shown: the load event and two animation frames later (parsed, styled, laid out, painted, the script set up);
- highlight: a click on the data center (the site with the most links): the script's handler, and to the next
  painted frame (two animation frames: at least about 33 ms at 60 Hz whatever the work);
- zoom: one wheel step over the map's centre, the same two times.
The fan has no script: only "shown" compares. Median of N loads per case.

Run: .venv/bin/python bench/backbone_map_browser.py [loads]   (make bench-map-browser)
"""

import statistics
import sys
import tempfile
from pathlib import Path

import backbone_map as server_bench  # bench/backbone_map.py: the topologies and the reference fan

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "plugin" / "netbox_egov" / "static" / "netbox_egov"
NEXT_FRAME = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def page_html(svg, with_script):
    style = (STATIC / "backbone_map.css").read_text() if with_script else ""
    script = f"<script>{(STATIC / 'backbone_map.js').read_text()}</script>" if with_script else ""
    return (f"<!doctype html><html><head><meta charset='utf-8'><style>{style}</style></head><body>"
            f"<div class='egov-map-frame'>{svg}</div>{script}</body></html>")


def shown_ms(page, url):
    page.goto(url, wait_until="load")
    return page.evaluate(f"async () => {{ await {NEXT_FRAME}; return performance.now(); }}")


def interaction_ms(page, action):
    return page.evaluate(f"""async () => {{
        const svg = document.querySelector('svg.egov-backbone-map');
        const start = performance.now();
        {action}
        const handled = performance.now() - start;  // the script's own work: dispatchEvent runs it
        await {NEXT_FRAME};
        return [handled, performance.now() - start];
    }}""")


CLICK_DC = "svg.querySelector('.egov-site[data-site=\"dc\"]').dispatchEvent(new MouseEvent('click', {bubbles: true}));"
WHEEL = """const box = svg.getBoundingClientRect();
        svg.dispatchEvent(new WheelEvent('wheel', {deltaY: -100, clientX: box.x + box.width / 2,
                                                   clientY: box.y + box.height / 2,
                                                   bubbles: true, cancelable: true}));"""


def measure(browser, html, loads, interactive):
    with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False, encoding="utf-8") as file:
        file.write(html)
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    shown, highlight, zoom = [], [], []
    for _ in range(loads):
        shown.append(shown_ms(page, Path(file.name).as_uri()))
        if interactive:
            highlight.append(interaction_ms(page, CLICK_DC))
            zoom.append(interaction_ms(page, WHEEL))
    if interactive and page.evaluate("document.querySelectorAll('svg .egov-on').length") == 0:
        errors.append("the click highlighted nothing")
    page.close()
    Path(file.name).unlink()
    if errors:
        raise SystemExit(f"the map's script failed: {errors}")
    def medians(pairs):
        return tuple(statistics.median(pair[index] for pair in pairs) for index in (0, 1)) if pairs else None

    return statistics.median(shown), medians(highlight), medians(zoom)


def main(loads):
    from playwright.sync_api import sync_playwright

    server_bench.import_logic()
    from map_topologies import klaten

    from netbox_egov.logic import topology_svg

    reference = server_bench.reference_module()
    print(f"backbone map in chromium, median of {loads} loads; reference: the fan at {server_bench.REFERENCE_COMMIT}")
    print(f"{'case':<16} {'sites':>5} {'links':>5} {'map shown ms':>12} {'fan shown ms':>12} {'ratio':>6} "
          f"{'highlight ms (script/frame)':>27} {'zoom ms (script/frame)':>22}")
    with sync_playwright() as playwright:
        import chromium  # plugin/tests/chromium.py (import_logic put plugin/tests on the path)

        browser = chromium.launch(playwright)
        for scale, located, crowded, name in [(1, True, False, "coordinates"), (5, True, False, "coordinates"),
                                              (5, True, True, "crowded"), (5, False, False, "layered")]:
            nodes, edges = klaten(scale, located, crowded)
            old_nodes = [reference.Node(node.key, node.label) for node in nodes]
            old_edges = [reference.Edge(edge.key, edge.a, edge.b, edge.medium, edge.capacity_mbps, edge.down)
                         for edge in edges]
            ours = measure(browser, page_html(topology_svg.render("dc", nodes, edges), True), loads, True)
            fan = measure(browser, page_html(reference.render("dc", old_nodes, old_edges), False), loads, False)
            print(f"{f'{scale}x {name}':<16} {len(nodes):>5} {len(edges):>5} {ours[0]:>12.0f} {fan[0]:>12.0f} "
                  f"{ours[0] / fan[0]:>6.2f} {f'{ours[1][0]:.1f} / {ours[1][1]:.1f}':>27} "
                  f"{f'{ours[2][0]:.1f} / {ours[2][1]:.1f}':>22}")
        browser.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
