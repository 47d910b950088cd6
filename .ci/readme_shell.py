#!/usr/bin/env python3
"""Runs every shell line of README.md and docs/*.md, as written, in order (CI runs this:
`python3 .ci/readme_shell.py [FILE ...]`; with files, only those).

README.md runs first, then the docs in DOCS_ORDER, then any other docs/*.md by name. A server a
file started is stopped at the end of that file: each document starts the servers it uses.

Each ```sh block is announced by a comment on the line before it saying how to run it:

  <!-- shell: run -->          the block is one bash script (set -euo pipefail); it must exit 0
  <!-- shell: serve -->        its one command starts a server that later blocks use: run in the
                               background until it prints "Press Ctrl-C" (a running server from an
                               earlier block is stopped first; the last is stopped at the end)
  <!-- shell: transcript -->   `$ command` and the output it prints: run as `serve`, and every
                               output line must appear (40-character key values may differ)
  <!-- shell: long timeout=N --> each command runs for at most N seconds: exit 0, or still running
                               when stopped, counts as working (benchmarks, fuzzing, soak);
                               `swift build` lines always run to the end
  <!-- shell: covered -->      each command is one `.ci/run` itself runs (checked, not rerun)

`needs=tool,tool` (any mode): when a tool is not on PATH the block is skipped, saying which.
`prepare="command"` (any mode): run to completion first (a build the block's commands would
otherwise spend their time limit on).
A ```sh block without an announcement is an error, so none goes unrun by accident.

```python blocks are announced the same way, `<!-- python: run [modules=boto3] -->`: the block
runs with python3 (against the server an earlier block started) and must exit 0; `modules=`
names modules it imports (the block is skipped, saying which, when one is missing).
If 127.0.0.1:8080 or 8081 is taken, that port is replaced by a free one everywhere.
"""
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
DOCS_ORDER = ["schema-check.md", "sdk.md", "gateway.md", "control-plane.md", "function-code.md",
              "mapping-templates.md", "libraries.md", "robustness.md", "performance.md"]
CI_RUN = os.path.join(ROOT, ".ci", "run")


def blocks(text):
    """(line number, language, announcement or None, lines) for each ```sh and ```python block."""
    lines = text.split("\n")
    found = []
    index = 0
    while index < len(lines):
        language = {"```sh": "shell", "```python": "python"}.get(lines[index].strip())
        if language:
            previous = index - 1
            while previous >= 0 and not lines[previous].strip():
                previous -= 1
            match = re.match(r"^<!-- %s: (.*) -->$" % language, lines[previous].strip()) if previous >= 0 else None
            body = []
            index += 1
            start = index + 1
            while index < len(lines) and not lines[index].startswith("```"):
                body.append(lines[index])
                index += 1
            found.append((start, language, shlex.split(match.group(1)) if match else None, body))
        index += 1
    return found


def commands(body):
    """Logical command lines: continuation lines joined, blank and comment-only lines dropped."""
    result, current = [], ""
    for line in body:
        if current:
            current += "\n" + line
        elif line.strip() and not line.strip().startswith("#"):
            current = line
        else:
            continue
        if not current.rstrip().endswith("\\"):
            result.append(current)
            current = ""
    if current:
        result.append(current)
    return result


def port_is_free(port):
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, command, where, timeout=1200):
        self.command = command
        self.output = ""
        log = open(os.path.join(ROOT, ".build", "readme-serve.log"), "w")
        self.log_path = log.name
        self.process = subprocess.Popen(
            ["bash", "-c", command], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.log_path) as reader:
                self.output = reader.read()
            if "Press Ctrl-C" in self.output:
                return
            if self.process.poll() is not None:
                raise RuntimeError("%s: the server exited (%d) before it was ready:\n%s" % (where, self.process.returncode, self.output[-3000:]))
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("%s: the server did not print 'Press Ctrl-C' within %d s:\n%s" % (where, timeout, self.output[-3000:]))

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def documents():
    """README.md, then docs/*.md in DOCS_ORDER, then the other docs by name."""
    directory = os.path.join(ROOT, "docs")
    present = sorted(name for name in os.listdir(directory) if name.endswith(".md")) if os.path.isdir(directory) else []
    ordered = [name for name in DOCS_ORDER if name in present] + [name for name in present if name not in DOCS_ORDER]
    return [README] + [os.path.join(directory, name) for name in ordered]


def ports():
    """The ports the documents use, each mapped to itself, or to a free one when it is taken."""
    mapping = {}
    for port in (8080, 8081):
        if port_is_free(port):
            mapping[str(port)] = str(port)
        else:
            mapping[str(port)] = str(free_port())
            print("readme-shell: 127.0.0.1:%d is taken; the documents' commands run with port %s instead" % (port, mapping[str(port)]))
    return mapping


def with_ports(line, mapping):
    """The line with each documented port replaced at once (a replacement is never replaced again)."""
    return re.sub(r"\b(%s)\b" % "|".join(mapping), lambda match: mapping[match.group(1)], line)


def run_file(path, mapping, ci_run, failures):
    """Runs every block of one document; a server it started is stopped at its end."""
    text = open(path).read()
    name = os.path.relpath(path, ROOT)
    server = None
    try:
        for line, language, announcement, body in blocks(text):
            where = "%s:%d" % (name, line)
            if announcement is None:
                failures.append("%s: a ```%s block without <!-- %s: MODE --> before it" % (where, "sh" if language == "shell" else language, language))
                continue
            mode, options = announcement[0], dict(item.split("=", 1) for item in announcement[1:] if "=" in item)
            missing = [tool for tool in options.get("needs", "").split(",") if tool and shutil.which(tool) is None]
            missing += [
                "the Python module " + module for module in options.get("modules", "").split(",")
                if module and subprocess.run(["python3", "-c", "import " + module], capture_output=True).returncode != 0]
            if missing:
                print("== %s (%s): skipped: needs %s, which is not installed" % (where, mode, ", ".join(missing)))
                continue
            body = [with_ports(entry, mapping) for entry in body]
            print("== %s (%s)" % (where, mode), flush=True)
            try:
                if "prepare" in options:
                    print("   prepare: %s" % options["prepare"], flush=True)
                    if subprocess.run(["bash", "-c", options["prepare"]], cwd=ROOT).returncode != 0:
                        raise RuntimeError("%s: the preparation `%s` failed" % (where, options["prepare"]))
                if mode == "covered":
                    for command in commands(body):
                        plain = command.split("#")[0].strip()
                        if plain not in ci_run:
                            failures.append("%s: `%s` is marked covered but .ci/run does not run it" % (where, plain))
                        else:
                            print("   covered by .ci/run: %s" % plain)
                elif language == "python":
                    if mode != "run":
                        raise RuntimeError("%s: a python block can only be `run`" % where)
                    result = subprocess.run(["python3", "-"], input="\n".join(body) + "\n", text=True, cwd=ROOT, timeout=int(options.get("timeout", "300")))
                    if result.returncode != 0:
                        failures.append("%s: the python block exited %d" % (where, result.returncode))
                elif mode == "run":
                    script = "set -euo pipefail\n" + "\n".join(body) + "\n"
                    result = subprocess.run(["bash", "-c", script], cwd=ROOT, timeout=int(options.get("timeout", "1800")))
                    if result.returncode != 0:
                        failures.append("%s: the block exited %d" % (where, result.returncode))
                elif mode in ("serve", "transcript"):
                    if server:
                        server.stop()
                        server = None
                    lines = [entry for entry in body if entry.strip()]
                    if mode == "transcript":
                        command = lines[0][2:] if lines[0].startswith("$ ") else None
                        if command is None:
                            raise RuntimeError("%s: a transcript starts with `$ command`" % where)
                        expected = lines[1:]
                    else:
                        [command] = commands(body)
                        expected = []
                    server = Server(command, where)
                    print("   started: %s" % command)
                    printed = re.sub(r"\s+", " ", server.output)
                    for entry in expected:
                        pattern = re.escape(re.sub(r"\s+", " ", entry.strip()))
                        pattern = re.sub(r"[A-Za-z0-9]{40}", "[A-Za-z0-9]{40}", pattern)
                        if not re.search(pattern, printed):
                            failures.append("%s: the output lacks the line `%s`" % (where, entry.strip()))
                elif mode == "long":
                    limit = int(options.get("timeout", "30"))
                    for command in commands(body):
                        build = command.strip().startswith("swift build")
                        started = time.time()
                        process = subprocess.Popen(["bash", "-c", command], cwd=ROOT, start_new_session=True)
                        try:
                            code = process.wait(timeout=None if build else limit)
                            state = "exit %d" % code
                        except subprocess.TimeoutExpired:
                            os.killpg(process.pid, signal.SIGINT)
                            try:
                                process.wait(timeout=15)
                            except subprocess.TimeoutExpired:
                                os.killpg(process.pid, signal.SIGKILL)
                                process.wait()
                            code, state = 0, "still running after %d s, stopped" % limit
                        print("   %s: %s (%.0f s)" % (command.split("#")[0].strip(), state, time.time() - started), flush=True)
                        if code != 0:
                            failures.append("%s: `%s` exited %d" % (where, command.split("#")[0].strip(), code))
                else:
                    failures.append("%s: unknown mode %r" % (where, mode))
            except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:
                failures.append(str(error))
    finally:
        if server:
            server.stop()


def main():
    ci_run = open(CI_RUN).read()
    mapping = ports()
    os.makedirs(os.path.join(ROOT, ".build"), exist_ok=True)
    paths = [os.path.abspath(argument) for argument in sys.argv[1:]] or documents()
    failures = []
    for path in paths:
        run_file(path, mapping, ci_run, failures)
    if failures:
        print("\nreadme-shell: %d problem(s):" % len(failures))
        for failure in failures:
            print("  " + failure)
        return 1
    print("\nreadme-shell: every shell line and Python block of %s ran" % ", ".join(os.path.relpath(path, ROOT) for path in paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
