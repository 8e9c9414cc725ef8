#!/usr/bin/env python3
"""Checks an `eigentone report` page in a real browser (test tooling only).

Opens the file in Debian's headless Chromium through chromedriver (selenium) with network
logging on, and checks: every section (1 embedding map ... 6 logit lens) is present and drawn
(scatter points inside a laid-out SVG, heatmap PNGs decoded, every attention map's PNG decoded,
the head grid's bars, the lens table's cells); hovering prompt token 1 highlights that position in
the tables and moves the row marker of every attention map; and no request left the machine
(every URL the page asked for is file: or data:). Keeps a full-page screenshot.

usage: report_browser.py REPORT.html SCREENSHOT.png
Prints one JSON object of counts; exits non-zero with a one-line reason on the first failure."""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

page, shot = sys.argv[1], sys.argv[2]
options = Options()
options.binary_location = "/usr/bin/chromium"
for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1200", "--disable-gpu"]:
    options.add_argument(flag)
options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
js = driver.execute_script


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    driver.quit()
    sys.exit(1)


driver.set_page_load_timeout(60)
driver.get("file://" + page)
counts = {}
for section in ["embedding-map", "embedding-heatmap", "next-token", "attention", "heads", "logit-lens"]:
    box = js(f"const s = document.getElementById('{section}'); if (!s) return null; const r = s.getBoundingClientRect(); return [r.width, r.height]")
    if not box or box[0] <= 0 or box[1] <= 0:
        fail(f"section {section} is missing or not laid out")
counts["scatter_points"] = js("return document.querySelectorAll('#embedding-map svg.scatter circle').length")
if counts["scatter_points"] < 4 * 50 or js("return document.querySelectorAll('#embedding-map svg.scatter').length") != 4:
    fail("the embedding maps have too few points")
# Every image decoded: <img> by naturalWidth, the SVG <image>s by loading their data into an Image.
decoded = driver.execute_async_script("""
  const done = arguments[arguments.length - 1];
  const imgs = [...document.querySelectorAll('#embedding-heatmap img')];
  const srcs = [...document.querySelectorAll('svg.att image')].map(i => i.getAttribute('href'));
  Promise.all(srcs.map(s => new Promise(ok => { const i = new Image(); i.onload = () => ok(i.naturalWidth > 0); i.onerror = () => ok(false); i.src = s; })))
    .then(r => done({heatmaps: imgs.filter(i => i.complete && i.naturalWidth > 0).length, heatmapTotal: imgs.length,
                     attention: r.filter(x => x).length, attentionTotal: r.length}));
""")
counts.update(decoded)
if decoded["heatmapTotal"] != 2 or decoded["heatmaps"] != 2:
    fail(f"embedding heatmaps decoded: {decoded['heatmaps']} of {decoded['heatmapTotal']} (expected 2)")
if decoded["attentionTotal"] == 0 or decoded["attention"] != decoded["attentionTotal"]:
    fail(f"attention maps decoded: {decoded['attention']} of {decoded['attentionTotal']}")
counts["head_bars"] = js("return document.querySelectorAll('#head-grid rect').length")
counts["lens_cells"] = js("return document.querySelectorAll('#logit-lens td[data-t]').length")
counts["next_rows"] = js("return document.querySelectorAll('#next-token tr[data-t]').length")
if counts["head_bars"] == 0 or counts["lens_cells"] == 0 or counts["next_rows"] == 0:
    fail(f"empty figure: {counts}")
# Linked hover.
token = driver.find_element(By.CSS_SELECTOR, '.prompt span[data-t="1"]')
ActionChains(driver).move_to_element(token).perform()
lit = js("return document.querySelectorAll('.hl[data-t=\"1\"]').length")
rows = js("return [...document.querySelectorAll('svg.att .row')].filter(r => r.style.display !== 'none' && r.getAttribute('y') === '1').length")
counts["highlighted"], counts["row_markers"] = lit, rows
if lit < 3 or rows != decoded["attentionTotal"]:
    fail(f"hovering token 1 highlighted {lit} elements and moved {rows} row markers")
# No request left the machine.
urls = []
for entry in driver.get_log("performance"):
    message = json.loads(entry["message"])["message"]
    if message.get("method") == "Network.requestWillBeSent":
        urls.append(message["params"]["request"]["url"])
outside = [u for u in urls if not (u.startswith("file:") or u.startswith("data:"))]
if outside:
    fail(f"the page requested {outside[0]}")
counts["requests"] = len(urls)
height = js("return document.documentElement.scrollHeight")
driver.set_window_size(1400, min(int(height) + 100, 16000))
driver.save_screenshot(shot)
driver.quit()
print(json.dumps(counts))
