#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Latchkey authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a source file with translatable strings is missing from po/POTFILES.in, when the
# template has strings that po/it.po lacks, or when it.po has untranslated or fuzzy entries.
set -eu
top=$1
cd "$top"
status=0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort -u > "$tmp/listed"
find src data -type f \( -name '*.c' -o -name '*.ui' -o -name '*.xml' -o -name '*.in' \) | sort | while read -r f; do
  if grep -qE '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|g_dngettext|ngettext)[[:space:]]*\(|translatable="yes"|<summary|<description|^Name=|^Comment=' "$f"; then
    echo "$f"
  fi
done > "$tmp/needed"
missing=$(comm -23 "$tmp/needed" "$tmp/listed")
if [ -n "$missing" ]; then
  echo "Translatable files missing from po/POTFILES.in:"; echo "$missing"; status=1
fi

for f in $(cat "$tmp/listed"); do
  [ -f "$f" ] || { echo "po/POTFILES.in lists $f, which does not exist"; status=1; }
done

xgettext --from-code=UTF-8 --add-comments=Translators --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 --its=/dev/null \
  -f "$tmp/listed" -o "$tmp/latchkey.pot" 2>/dev/null || \
xgettext --from-code=UTF-8 --add-comments=Translators --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
  -f "$tmp/listed" -o "$tmp/latchkey.pot"

for po in po/*.po; do
  if ! msgcmp --use-untranslated "$po" "$tmp/latchkey.pot" 2>"$tmp/msgcmp"; then
    echo "$po lacks strings of the template:"; head -40 "$tmp/msgcmp"; status=1
  fi
  stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1)
  echo "$po: $stats"
  case "$stats" in *untranslated*|*fuzzy*) status=1;; esac
done
exit $status
