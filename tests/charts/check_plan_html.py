#!/usr/bin/env python3
"""check_plan_html.py - the HTML page of a plan says what its JSON says.

  check_plan_html.py BINARY CASES.tsv OUTDIR

Runs every plan of the golden corpus (the rows of CASES.tsv that plan with
--no-detect and exit 0, without placeholders or output flags) once with
--json and --html, and checks, for each plan:
  - every typed value of the JSON sections (a span with "value" and "unit")
    is a <data> element of the page, in the same order, with the same value,
    data-unit, text and, for a key number, data-name, data-label and
    data-basis; and the page has no other <data>;
  - every item of the JSON sections (paragraph, list item, table cell,
    column name, code block) is an element of the page with the same text,
    in the same order: the page holds the plan's words, no more and no less;
  - no Markdown markup ("**", a backquote) is left in the page's text
    outside code, and the page is well nested.
"""
import html.parser
import json
import os
import shlex
import subprocess
import sys


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


class Page(html.parser.HTMLParser):
    """The page's <data> elements and the text of its p/li/th/td/pre
    elements, outside the charts."""
    VOID = {"meta", "br", "hr", "img", "input", "link"}
    ITEMS = {"p", "li", "th", "td", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.values, self.items, self.problems = [], [], [], []
        self.svg = 0
        self.item = None   # text of the item being read
        self.value = None  # [attrs, text] of the <data> being read
        self.in_code = 0

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)
        if tag == "svg":
            self.svg += 1
        if self.svg or "main" not in self.stack:
            return
        if tag in self.ITEMS:
            self.item = []
        elif tag == "code":
            self.in_code += 1
        elif tag == "data":
            self.value = [dict(attrs), []]

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("unbalanced </%s> (open: %s)" % (tag, self.stack[-3:]))
            return
        self.stack.pop()
        if tag == "svg":
            self.svg -= 1
        if self.svg:
            return
        if tag in self.ITEMS and self.item is not None:
            self.items.append("".join(self.item))
            self.item = None
        elif tag == "code":
            self.in_code -= 1
        elif tag == "data" and self.value:
            self.values.append((self.value[0], "".join(self.value[1])))
            self.value = None

    def handle_data(self, data):
        if self.svg or "main" not in self.stack:
            return
        if self.item is not None:
            self.item.append(data)
        if self.value is not None:
            self.value[1].append(data)
        if not self.in_code and ("**" in data or "`" in data):
            self.problems.append("Markdown left in the text: %r" % data[:80])


def json_items(sections):
    """The plan's items in page order, and its typed values in that order."""
    items, values = [], []

    def item(it):
        items.append(it["text"])
        values.extend(s for s in it["spans"] if "value" in s)

    for sec in sections:
        for b in sec["blocks"]:
            if b["kind"] == "code":
                if b["path"]:
                    items.append(b["path"] + ":")
                text = b["text"]
                items.append(text if not text or text.endswith("\n") else text + "\n")
            elif b["kind"] == "table":
                if not b["rows"]:
                    continue  # a header without rows is not written
                items.extend(b["columns"])
                for row in b["rows"]:
                    for cell in row:
                        item(cell)
            else:
                for it in b["items"]:
                    item(it)
    return items, values


def number(s):
    return None if s is None else float(s)


def check(binary, name, args, outdir):
    page_path = os.path.join(outdir, name + ".html")
    res = subprocess.run([binary] + args + ["--json", "--html", page_path],
                         capture_output=True, text=True, timeout=60)
    if res.returncode != 0:
        fail("%s: exit %d: %s" % (name, res.returncode, res.stderr.strip()))
    plan = json.loads(res.stdout)
    items, values = json_items(plan["sections"])
    page = Page()
    page.feed(open(page_path, encoding="utf-8").read())
    page.close()
    if page.problems or page.stack:
        fail("%s: %s %s" % (name, page.problems[:3], page.stack))
    if len(page.values) != len(values):
        fail("%s: %d <data> elements, %d typed values in the JSON"
             % (name, len(page.values), len(values)))
    for k, (v, (attrs, text)) in enumerate(zip(values, page.values)):
        want = (v["value"], v["unit"], v["text"], v.get("name"), v.get("label"), v.get("basis"))
        got = (number(attrs.get("value")), attrs.get("data-unit"), text, attrs.get("data-name"),
               attrs.get("data-label"), attrs.get("data-basis"))
        if want != got:
            fail("%s: value %d: JSON %r, page %r" % (name, k, want, got))
    if page.items != items:
        for k, (a, b) in enumerate(zip(items, page.items)):
            if a != b:
                fail("%s: item %d: JSON %r, page %r" % (name, k, a[:200], b[:200]))
        fail("%s: %d items in the JSON, %d on the page" % (name, len(items), len(page.items)))
    return len(values), len(items)


def corpus(cases):
    """(name, args) of the plans of the golden corpus that can run here."""
    out = []
    for line in open(cases, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 5 or cols[1] != "0":
            continue
        args = shlex.split(cols[4])
        if args[:2] != ["plan", "--no-detect"] or "{" in cols[4] or \
                any(a in ("--json", "--out", "--write", "--html", "--svg") for a in args):
            continue
        out.append((cols[0], args))
    return out


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    binary, cases, outdir = sys.argv[1:]
    os.makedirs(outdir, exist_ok=True)
    plans = corpus(cases)
    if len(plans) < 20:
        fail("only %d plans found in %s" % (len(plans), cases))
    total_v = total_i = 0
    for name, args in plans:
        nv, ni = check(binary, name, args, outdir)
        total_v += nv
        total_i += ni
    print("ok %d plans: %d typed values and %d items, the same on the page as in the JSON"
          % (len(plans), total_v, total_i))


if __name__ == "__main__":
    main()
