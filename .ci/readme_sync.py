#!/usr/bin/env python3
"""Copies each file announced by `<!-- example: PATH -->` into the ```swift block below it, in
README.md and every docs/*.md (the test `ReadmeIsInSync` checks they are equal)."""
import glob
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def replacement(match):
    path = match.group(1)
    with open(os.path.join(ROOT, path)) as example:
        return "<!-- example: %s -->\n```swift\n%s```" % (path, example.read())


for document in [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))):
    with open(document) as reader:
        text = reader.read()
    synced = re.sub(r"<!-- example: (\S+) -->\n```swift\n.*?```", replacement, text, flags=re.S)
    if synced != text:
        with open(document, "w") as writer:
            writer.write(synced)
        print("synced", os.path.relpath(document, ROOT))
