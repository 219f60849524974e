#!/usr/bin/env python3
"""check_charts.py - end-to-end checks of the charts and HTML reports.

  check_charts.py xml BINARY OUTDIR
      Writes each report type with --svg and --html, parses every SVG with
      xml.dom.minidom (the SVG namespace, a <title>, sizes), parses every
      HTML page with html.parser and checks it is self-contained (no script,
      no http(s) reference, no external resource).

  check_charts.py chromium BINARY OUTDIR
      Opens each HTML report in headless Chromium, takes a 1200x1600
      screenshot into OUTDIR, and checks the PNG (decoded here with zlib)
      has that size, is not blank and shows the charts' colours.  With
      MLXPLAN_SCREENSHOT_DIR set (CI's log folder), the screenshots are also
      copied there.  Exits 77 (ctest SKIP_RETURN_CODE) when Chromium is not
      installed.
"""
import html.parser
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.dom.minidom
import zlib

REPORTS = [
    # name, arguments, chart files, an Okabe-Ito colour the screenshot must show
    ("estimate-inference",
     ["estimate", "--model", "Qwen/Qwen3-8B", "--chip", "M4 Pro 20c", "--memory", "24",
      "--quant", "4", "--context", "8192"],
     ["memory.svg", "context.svg"], (0x00, 0x72, 0xB2)),
    ("estimate-training",
     ["estimate", "--task", "qlora", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--chip",
      "M3 Max 30c", "--memory", "36", "--batch", "4", "--seq", "2048"],
     ["memory.svg", "time.svg"], (0x00, 0x72, 0xB2)),
    ("fit-formats",
     ["fit", "--model", "Qwen/Qwen3-30B-A3B", "--chip", "M4 Pro 20c", "--memory", "48"],
     ["formats.svg"], (0x00, 0x72, 0xB2)),
    ("fit-models",
     ["fit", "--chip", "M4 Max 40c", "--memory", "64", "--context", "8192"],
     ["grid.svg"], (0x00, 0x9E, 0x73)),
    ("fit-training",
     ["fit", "--task", "lora", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--chip",
      "M3 Max 30c", "--memory", "36", "--limit", "6"],
     ["memory.svg", "time.svg"], (0x00, 0x72, 0xB2)),
    ("fit-machines",
     ["fit", "--model", "meta-llama/Llama-3.1-70B-Instruct", "--min-tok-s", "8", "--limit",
      "8"],
     ["machines.svg"], (0x00, 0x72, 0xB2)),
    ("plan",
     ["plan", "--example"],
     ["memory.svg", "context.svg", "training-memory.svg", "training-time.svg"],
     (0x00, 0x72, 0xB2)),
]

WIDTH, HEIGHT = 1200, 1600


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run_report(binary, outdir, name, args):
    """Run one report with --html and --svg; return (html path, svg dir, stdout)."""
    page = os.path.join(outdir, name + ".html")
    svgdir = os.path.join(outdir, name + "-svg")
    res = subprocess.run([binary] + args + ["--html", page, "--svg", svgdir],
                         capture_output=True, text=True, timeout=60)
    if res.returncode != 0:
        fail("%s: exit %d: %s" % (name, res.returncode, res.stderr.strip()))
    if res.stderr:
        fail("%s: unexpected stderr: %s" % (name, res.stderr.strip()))
    return page, svgdir, res.stdout


class PageParser(html.parser.HTMLParser):
    """Collects what a self-contained page must not have."""
    VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "source"}

    def __init__(self):
        super().__init__()
        self.problems = []
        self.stack = []
        self.svgs = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "link", "img", "iframe", "object", "embed", "audio", "video"):
            self.problems.append("<%s>" % tag)
        for k, v in attrs:
            if k.startswith("on"):
                self.problems.append("event handler " + k)
            if k in ("src", "srcset", "href", "xlink:href") and v and \
                    ("//" in v or v.startswith("data:")):
                self.problems.append("%s=%s" % (k, v))
        if tag == "svg":
            self.svgs += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("unbalanced </%s> (open: %s)" % (tag, self.stack[-3:]))
            return
        self.stack.pop()


def check_xml(binary, outdir):
    for name, args, charts, _ in REPORTS:
        page, svgdir, stdout = run_report(binary, outdir, name, args)
        if sorted(os.listdir(svgdir)) != sorted(charts):
            fail("%s: charts %s, expected %s" % (name, sorted(os.listdir(svgdir)), charts))
        for c in charts:
            path = os.path.join(svgdir, c)
            try:
                doc = xml.dom.minidom.parse(path)
            except Exception as e:  # any parse error fails the test
                fail("%s: %s is not well-formed XML: %s" % (name, path, e))
            root = doc.documentElement
            if root.tagName != "svg" or root.getAttribute("xmlns") != "http://www.w3.org/2000/svg":
                fail("%s: %s root is not an SVG element" % (name, c))
            w, h = float(root.getAttribute("width")), float(root.getAttribute("height"))
            if not (300 <= w <= 2000 and 100 <= h <= 3000):
                fail("%s: %s has an odd size %gx%g" % (name, c, w, h))
            titles = root.getElementsByTagName("title")
            if not titles or not titles[0].firstChild:
                fail("%s: %s has no title" % (name, c))
            if "](%s)" % path not in stdout:
                fail("%s: the Markdown does not link %s" % (name, path))
        text = open(page, encoding="utf-8").read()
        # self-contained: nothing is loaded from elsewhere (a plan may still
        # mention an address in its text or link to one)
        for bad in ("src=", "<link", "<script", "@import", "url(http", "url(//"):
            if bad in text:
                fail("%s: the page contains %r" % (name, bad))
        p = PageParser()
        p.feed(text)
        p.close()
        if p.problems or p.stack:
            fail("%s: %s %s" % (name, p.problems[:5], p.stack))
        if p.svgs != len(charts):
            fail("%s: %d inline charts, expected %d" % (name, p.svgs, len(charts)))
        print("ok %s: %d charts, page %d bytes" % (name, len(charts), len(text)))


def png_pixels(path):
    """Decode an 8-bit RGB/RGBA PNG: (width, height, channels, rows of bytes)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(path + ": not a PNG")
    pos, idat, head = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, ctype, _, _, interlace = head
    if depth != 8 or ctype not in (2, 6) or interlace:
        fail("%s: unsupported PNG (depth %d, colour type %d)" % (path, depth, ctype))
    ch = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * ch
    rows, prev, pos = [], bytearray(stride), 0
    for _ in range(height):
        ftype, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        if ftype == 1:
            for i in range(ch, stride):
                line[i] = (line[i] + line[i - ch]) & 255
        elif ftype == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif ftype == 3:
            for i in range(stride):
                left = line[i - ch] if i >= ch else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif ftype == 4:
            for i in range(stride):
                a = line[i - ch] if i >= ch else 0
                b, c = prev[i], prev[i - ch] if i >= ch else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(line)
        prev = line
    return width, height, ch, rows


def check_screenshot(path, colour):
    width, height, ch, rows = png_pixels(path)
    if (width, height) != (WIDTH, HEIGHT):
        fail("%s: %dx%d, expected %dx%d" % (path, width, height, WIDTH, HEIGHT))
    colours, non_white, hits, total = set(), 0, 0, 0
    for y in range(0, height, 2):
        row = rows[y]
        for x in range(0, width * ch, 2 * ch):
            px = (row[x], row[x + 1], row[x + 2])
            total += 1
            colours.add(px)
            if px != (255, 255, 255):
                non_white += 1
            if px == colour:
                hits += 1
    share = non_white / total
    if len(colours) < 50 or share < 0.05:
        fail("%s looks blank: %d colours, %.1f%% non-white" % (path, len(colours), 100 * share))
    if hits < 200:
        fail("%s: the charts' colour #%02X%02X%02X covers only %d sampled pixels"
             % ((path,) + colour + (hits,)))
    print("ok %s: %dx%d, %d colours, %.1f%% non-white, %d chart pixels"
          % (os.path.basename(path), width, height, len(colours), 100 * share, hits))


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def check_chromium(binary, outdir):
    browser = find_chromium()
    if not browser:
        print("SKIP: chromium is not installed (Debian: apt-get install chromium)")
        sys.exit(77)
    for name, args, _, colour in REPORTS:
        page, _, _ = run_report(binary, outdir, name, args)
        shot = os.path.join(outdir, name + ".png")
        if os.path.exists(shot):
            os.unlink(shot)
        profile = tempfile.mkdtemp(prefix="mlxplan-chromium-")
        try:
            res = subprocess.run(
                [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                 "--user-data-dir=" + profile, "--window-size=%d,%d" % (WIDTH, HEIGHT),
                 "--screenshot=" + shot, "file://" + os.path.abspath(page)],
                capture_output=True, text=True, timeout=120)
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        if res.returncode != 0 or not os.path.exists(shot):
            fail("%s: chromium failed (exit %d): %s" % (name, res.returncode, res.stderr[-500:]))
        check_screenshot(shot, colour)
        logs = os.environ.get("MLXPLAN_SCREENSHOT_DIR")
        if logs:
            os.makedirs(logs, exist_ok=True)
            shutil.copy(shot, os.path.join(logs, os.path.basename(shot)))


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("xml", "chromium"):
        print(__doc__)
        sys.exit(2)
    mode, binary, outdir = sys.argv[1:]
    os.makedirs(outdir, exist_ok=True)
    (check_xml if mode == "xml" else check_chromium)(binary, outdir)


if __name__ == "__main__":
    main()
