#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Latchkey authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs Latchkey's build and test dependencies on Debian 12 when any is missing.
# Sourced by demo.sh and test.sh; safe to run again (it only installs what is absent).
set -eu

LK_DEPS="build-essential pkg-config meson ninja-build gettext
libglib2.0-dev libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev libsecret-1-dev
desktop-file-utils appstream xvfb xauth gnome-keyring dbus-daemon dbus-x11 libglib2.0-bin
python3 imagemagick locales clang libclang-rt-14-dev valgrind curl"

missing=""
for pkg in $LK_DEPS; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done

if [ -n "$missing" ]; then
  echo "Installing build dependencies:$missing"
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "These Debian packages are missing and I am not root:$missing" >&2
    exit 1
  fi
  $SUDO apt-get update -q
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi

# The Italian UI test needs the it_IT.UTF-8 locale (Debian's minimal images have only C.UTF-8).
if ! locale -a 2>/dev/null | grep -qi '^it_IT\.utf-\?8$'; then
  if [ "$(id -u)" -eq 0 ]; then
    localedef -i it_IT -f UTF-8 it_IT.UTF-8
  elif command -v sudo >/dev/null 2>&1; then
    sudo localedef -i it_IT -f UTF-8 it_IT.UTF-8
  fi
fi
