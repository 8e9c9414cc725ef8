#!/usr/bin/env python3
"""End-to-end test of the studio page in a real browser (test tooling only).

Drives Debian's headless Chromium through chromedriver (selenium) against a running
`eigentone serve`: composes on the default model, waits for the audio, checks that the piano
roll drew notes, clicks a note and reads its provenance, compares two models, sonifies a
prompt and waits for a word to be highlighted while the audio plays. Keeps a screenshot of
each view. Exits non-zero with a one-line reason on the first failure.

usage: studio_browser.py URL SCREENSHOT_DIR MODEL COMPARE_A COMPARE_B

MODEL is composed and sonified; COMPARE_A and COMPARE_B are compared.
"""
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

url, shots, model, compare_a, compare_b = sys.argv[1:6]
os.makedirs(shots, exist_ok=True)

options = Options()
options.binary_location = "/usr/bin/chromium"
for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1200",
             "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--disable-gpu"]:
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_script_timeout(30)
wait = lambda seconds: WebDriverWait(driver, seconds, poll_frequency=0.2)
js = driver.execute_script
step = "start"


def fail(message):
    driver.save_screenshot(os.path.join(shots, "failure.png"))
    print(f"FAIL at {step}: {message}", file=sys.stderr)
    driver.quit()
    sys.exit(1)


def until(seconds, condition, what):
    try:
        return wait(seconds).until(lambda d: condition())
    except Exception:
        errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".error") if e.text]
        fail(f"timed out waiting for {what}" + (f" (page says: {errors[0]})" if errors else ""))


def audio_ready(player):
    return js(f"const a = document.getElementById('{player}'); return a.src !== '' && a.readyState >= 1 && a.duration > 0")


def play_until(player, seconds):
    js(f"document.getElementById('{player}').currentTime = 0; document.getElementById('{player}').play()")
    until(30, lambda: js(f"return document.getElementById('{player}').currentTime") > seconds, f"{player} to play past {seconds} s")


try:
    step = "load"
    driver.get(url)
    until(30, lambda: js("return document.body.dataset.ready") == "true", "the page to load the models")

    # --- Compose -------------------------------------------------------------------------
    step = "compose"
    Select(driver.find_element(By.ID, "model")).select_by_value(model)
    Select(driver.find_element(By.ID, "genre")).select_by_value("acid")
    Select(driver.find_element(By.ID, "renderer")).select_by_value("builtin")
    driver.find_element(By.ID, "compose").click()
    until(600, lambda: audio_ready("compose-player"), "the composed audio")
    drawn = int(driver.find_element(By.ID, "compose-roll").get_attribute("data-drawn") or 0)
    notes = js("return studio.rolls.compose.roll.notes.length")
    if drawn == 0 or drawn != notes:
        fail(f"the piano roll drew {drawn} of {notes} notes")
    # Pixels, not just a counter: the canvas must hold coloured bars.
    lit = js("""const c = document.getElementById('compose-roll'), g = c.getContext('2d');
               const d = g.getImageData(0, 0, c.width, c.height).data; let n = 0;
               for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n / (c.width * c.height)""")
    if lit < 0.005:
        fail(f"only {lit:.4f} of the piano roll's pixels are drawn")
    play_until("compose-player", 0.5)
    until(10, lambda: float(driver.find_element(By.ID, "compose-roll").get_attribute("data-playhead") or 0) > 0.3, "the playhead to move")
    js("document.getElementById('compose-player').pause()")

    step = "provenance"
    index = js("const n = studio.rolls.compose.roll.notes; return n.findIndex((x) => x[5] >= 0 && x[1] > 2)")
    if index < 0:
        fail("no note with provenance after 2 s")
    canvas = driver.find_element(By.ID, "compose-roll")
    pos = js("return studio.rolls.compose.notePosition(arguments[0])", index)
    size = js("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height]", canvas)
    ActionChains(driver).move_to_element_with_offset(canvas, int(pos["x"] - size[0] / 2), int(pos["y"] - size[1] / 2)).click().perform()
    until(5, lambda: driver.find_element(By.ID, "compose-provenance").get_attribute("data-note") is not None, "a note to be selected")
    text = driver.find_element(By.ID, "compose-provenance").text
    chosen = int(driver.find_element(By.ID, "compose-provenance").get_attribute("data-note"))
    expected = js("const r = studio.rolls.compose.roll; return r.provenance[r.notes[arguments[0]][5]]", chosen)
    if "tensor" not in text or expected["tensor"] not in text or expected["statistic"] not in text:
        fail(f"the provenance panel shows {text!r}, expected tensor {expected['tensor']}")
    until(300, lambda: js("return document.querySelectorAll('#alpha-plot polyline').length") > 0, "the alpha plot")
    until(30, lambda: js("return document.querySelectorAll('#spectrum-plot polyline').length") > 0, "the spectra")
    driver.save_screenshot(os.path.join(shots, "compose.png"))
    print(f"compose: {notes} notes drawn ({lit:.1%} of the pixels), note {chosen} → {expected['tensor']} {expected['statistic']}")

    # --- Compare -------------------------------------------------------------------------
    step = "compare"
    driver.find_element(By.ID, "tab-compare").click()
    Select(driver.find_element(By.ID, "model-a")).select_by_value(compare_a)
    Select(driver.find_element(By.ID, "model-b")).select_by_value(compare_b)
    Select(driver.find_element(By.ID, "compare-renderer")).select_by_value("builtin")
    driver.find_element(By.ID, "compare").click()
    until(600, lambda: audio_ready("player-a") and audio_ready("player-b"), "the A and B audio")
    rows = js("return document.querySelectorAll('#ranking tbody tr').length")
    if rows == 0:
        fail("the ranking table is empty")
    play_until("player-a", 0.3)
    driver.find_element(By.ID, "ab-switch").click()
    until(10, lambda: js("return !document.getElementById('player-b').paused && document.getElementById('player-a').paused"), "the switch to B")
    js("document.getElementById('player-b').pause()")
    driver.save_screenshot(os.path.join(shots, "compare.png"))
    print(f"compare: {rows} ranked changes, A/B switch works")

    # --- Sonify --------------------------------------------------------------------------
    step = "sonify"
    driver.find_element(By.ID, "tab-sonify").click()
    prompt = driver.find_element(By.ID, "prompt")
    prompt.clear()
    prompt.send_keys("The forest was silent.")
    Select(driver.find_element(By.ID, "sonify-model")).select_by_value(model)
    driver.find_element(By.ID, "sonify").click()
    until(600, lambda: audio_ready("sonify-player"), "the sonified audio")
    words = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#words span")]
    if words != ["The", "forest", "was", "silent."]:
        fail(f"the words shown are {words}")
    onset = js("return studio.words[2].onset")
    js("const a = document.getElementById('sonify-player'); a.currentTime = arguments[0] + 0.05; a.play()", onset)
    until(10, lambda: js("return [...document.querySelectorAll('#words span.current')].map((s) => s.textContent)") == ["was"], "\"was\" to be highlighted")
    driver.save_screenshot(os.path.join(shots, "sonify.png"))
    js("document.getElementById('sonify-player').pause()")
    print(f"sonify: words {words}, \"was\" highlighted at {onset:.2f} s")

    # --- Look inside ---------------------------------------------------------------------
    step = "look inside"
    driver.find_element(By.ID, "tab-inside").click()
    Select(driver.find_element(By.ID, "inside-model")).select_by_value(model)
    driver.find_element(By.ID, "inside").click()
    until(300, lambda: js("const f = document.getElementById('inside-frame'); return !!(f.contentDocument && f.contentDocument.getElementById('logit-lens'))"),
          "the report in the Look inside view")
    frame = driver.find_element(By.ID, "inside-frame")
    driver.switch_to.frame(frame)
    sections = [s for s in ["embedding-map", "embedding-heatmap", "next-token", "attention", "heads", "logit-lens"]
                if js(f"const s = document.getElementById('{s}'); return !!s && s.getBoundingClientRect().height > 0")]
    if len(sections) != 6:
        fail(f"the Look inside view shows {sections}")
    token = driver.find_element(By.CSS_SELECTOR, '.prompt span[data-t="2"]')
    ActionChains(driver).move_to_element(token).perform()
    lit = js("return document.querySelectorAll('.hl[data-t=\"2\"]').length")
    markers = js("return [...document.querySelectorAll('svg.att .row')].filter(r => r.style.display !== 'none' && r.getAttribute('y') === '2').length")
    if lit < 3 or markers == 0:
        fail(f"hovering token 2 lit {lit} elements and {markers} attention rows")
    driver.switch_to.default_content()
    driver.save_screenshot(os.path.join(shots, "inside.png"))
    print(f"look inside: 6 sections, hovering a token lit {lit} elements and {markers} attention rows")

    # --- Album ---------------------------------------------------------------------------
    step = "album"
    driver.find_element(By.ID, "tab-album").click()
    Select(driver.find_element(By.ID, "album-model")).select_by_value(model)
    Select(driver.find_element(By.ID, "album-renderer")).select_by_value("builtin")
    driver.find_element(By.ID, "album").click()
    until(600, lambda: audio_ready("album-player"), "the album's audio")
    until(30, lambda: js("const i = document.getElementById('album-heatmap'); return !i.hidden && i.complete && i.naturalWidth > 0"), "the tension heatmap")
    notes = js("return studio.rolls.album.roll.notes.length")
    if notes < 20:
        fail(f"the album roll has {notes} notes")
    play_until("album-player", 0.3)
    js("document.getElementById('album-player').pause()")
    driver.save_screenshot(os.path.join(shots, "album.png"))
    print(f"album: solo with {notes} notes, heatmap shown, audio plays")
except SystemExit:
    raise
except Exception as error:  # noqa: BLE001 - any browser failure is a test failure
    fail(f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")

driver.quit()
print("ok")
