#!/usr/bin/env python3
"""Copies each file announced by `<!-- example: PATH -->` into the ```swift block below it in README.md."""
import re
p='README.md'
s=open(p).read()
def repl(m):
    path=m.group(1)
    return "<!-- example: %s -->\n```swift\n%s```" % (path, open(path).read())
s=re.sub(r"<!-- example: (\S+) -->\n```swift\n.*?```", repl, s, flags=re.S)
open(p,'w').write(s)
