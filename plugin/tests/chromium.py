"""Debian's chromium as Playwright launches it here, for the browser tests (browser.py) and the map's browser
benchmark (bench/backbone_map_browser.py). Plain Python: no Django."""

CHROMIUM = "/usr/bin/chromium"  # Debian's package: Playwright's own browser download needs a network we lack
# Without a network, chromium's own background traffic (updates, sync, QUIC probes) floods refused connections.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def launch(playwright):
    """A headless chromium from a started sync Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
