#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Latchkey authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Flatpak manifests parse, match the build's app id and command, and ask for nothing beyond
least privilege: network, ipc, wayland, fallback-x11, dri. No org.freedesktop.secrets talk-name
(libsecret uses the Secret portal inside the sandbox) and no filesystem access (the CSV export
goes through the file chooser portal). The release manifest builds a tagged git source (Flathub
accepts no local dir); the development one builds the checkout."""
import json
import sys

ALLOWED = {"--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11",
           "--device=dri"}

def check(path, app_id):
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
    problems = []
    if manifest.get("id") != app_id:
        problems.append(f"id is {manifest.get('id')!r}, the build's app id is {app_id!r}")
    if manifest.get("command") != "latchkey":
        problems.append(f"command is {manifest.get('command')!r}, the program is 'latchkey'")
    extra = [arg for arg in manifest.get("finish-args", []) if arg not in ALLOWED]
    if extra:
        problems.append(f"finish-args beyond least privilege: {extra}")
    modules = manifest.get("modules", [])
    if not modules or modules[-1].get("buildsystem") != "meson":
        problems.append("the last module must build this repository with meson")
    profile = "development" if app_id.endswith(".Devel") else "default"
    if f"-Dprofile={profile}" not in modules[-1].get("config-opts", []):
        problems.append(f"the module must configure -Dprofile={profile}")
    sources = modules[-1].get("sources", []) if modules else []
    if profile == "default":
        # Flathub builds releases only from a fixed source: a tagged git checkout, never a dir.
        if not any(src.get("type") == "git" and src.get("url") and src.get("tag") for src in sources):
            problems.append("the release manifest must build a tagged git source (url and tag)")
        if any(src.get("type") == "dir" for src in sources):
            problems.append("the release manifest must not build a local dir source")
    for problem in problems:
        print(f"{path}: {problem}")
    return not problems

ok = check(sys.argv[1], "io.github.latchkey.Latchkey")
ok = check(sys.argv[2], "io.github.latchkey.Latchkey.Devel") and ok
sys.exit(0 if ok else 1)
