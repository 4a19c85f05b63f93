#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Latchkey authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Renders data/screenshots/*.png from the real window on the demo tenant, under Xvfb.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-_build}
ninja -C "$BUILD" tests/ui/screenshot
out=data/screenshots
mkdir -p "$out"
# Each shot in a state folder of its own: the pictures never show this machine's own journal.
shot () {
  xvfb-run -a -s "-screen 0 1400x1000x24" env GSETTINGS_BACKEND=memory XDG_STATE_HOME="$(mktemp -d)" \
    GSETTINGS_SCHEMA_DIR="$PWD/$BUILD/data" NO_AT_BRIDGE=1 LANGUAGE="${LANG_UI:-en}" \
    LC_ALL="${LC_UI:-C.UTF-8}" LK_LOCALEDIR="$PWD/$BUILD/po" \
    "$BUILD/tests/ui/screenshot" "$@"
}
shot "$out/window-wide-light.png" 1200 800 light "" ios-corporate
shot "$out/window-wide-dark.png" 1200 800 dark "" android-dedicated
shot "$out/window-narrow-light.png" 360 720 light ""
shot "$out/window-narrow-dark.png" 360 720 dark ""
shot "$out/device-page-narrow-light.png" 360 720 light "" android-byod-work-profile
shot "$out/search-rossi-light.png" 1200 800 light "rossi" android-device-admin
for step in device explain confirm tracking result; do
  shot "$out/wizard-$step-light.png" 520 640 light --wizard android-byod-work-profile "$step"
done
shot "$out/wizard-remove-result-dark.png" 520 640 dark --wizard ios-corporate result

# Filters that hide every device found (issue 16).
shot "$out/filtered-empty-wide-light.png" 1200 800 light --filtered giulia
shot "$out/filtered-empty-narrow-dark.png" 360 720 dark --filtered giulia
shot "$out/device-page-wide-dark.png" 1200 800 dark "" ios-corporate
shot "$out/history-light.png" 560 400 light --history
# Unlock options: a card with its secret read (still hidden), BitLocker's keys, a rotation.
shot "$out/unlock-laps-light.png" 1200 800 light --unlock DESKTOP-7QK2L9M laps
shot "$out/unlock-bitlocker-dark.png" 1200 800 dark --unlock LAPTOP-SOBRIEN bitlocker
shot "$out/unlock-rotate-light.png" 1200 800 light --unlock "MacBook Pro di Lorenzo" filevault rotate

# The same window and wizard in Italian.
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/window-wide-light-it.png" 1200 800 light "" ios-corporate
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/wizard-explain-light-it.png" 520 640 light --wizard android-byod-work-profile explain
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/wizard-result-light-it.png" 520 640 light --wizard android-byod-work-profile result
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/filtered-empty-wide-light-it.png" 1200 800 light --filtered giulia
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/window-narrow-dark-it.png" 360 720 dark ""
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/device-page-narrow-dark-it.png" 360 720 dark "" android-dedicated
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/wizard-device-light-it.png" 520 640 light --wizard ios-corporate device
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/wizard-confirm-dark-it.png" 520 640 dark --wizard android-byod-work-profile confirm
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/history-dark-it.png" 560 400 dark --history

# States pictured since (issue 16): the error page, no account, the sign-in dialog, an action
# pending in Intune (Check Status), the last action with Sync Device.
shot "$out/error-wide-light.png" 1200 800 light --error rossi
shot "$out/signed-out-wide-dark.png" 1200 800 dark --signed-out
shot "$out/sign-in-light.png" 560 460 light --sign-in
shot "$out/device-pending-wide-light.png" 1200 800 light --pending android-dedicated
shot "$out/device-last-action-wide-dark.png" 1200 800 dark --last-action android-dedicated
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/error-narrow-dark-it.png" 360 720 dark --error rossi
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/signed-out-narrow-light-it.png" 360 720 light --signed-out
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/sign-in-dark-it.png" 560 460 dark --sign-in
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/device-pending-narrow-dark-it.png" 360 720 dark --pending android-dedicated
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/device-last-action-narrow-light-it.png" 360 720 light --last-action android-dedicated
shot "$out/account-menu-wide-light.png" 1200 800 light --account-menu
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/account-menu-wide-dark-it.png" 1200 800 dark --account-menu
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/unlock-filevault-light-it.png" 1200 800 light --unlock "MacBook Pro di Lorenzo" filevault
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/unlock-rotate-light-it.png" 1200 800 light --unlock DESKTOP-7QK2L9M laps rotate
# Every unlock card in both languages.
shot "$out/unlock-filevault-dark.png" 1200 800 dark --unlock "MacBook Pro di Lorenzo" filevault
shot "$out/unlock-macos-admin-light.png" 1200 800 light --unlock "MacBook Pro di Lorenzo" macos-admin
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/unlock-laps-dark-it.png" 1200 800 dark --unlock DESKTOP-7QK2L9M laps
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/unlock-bitlocker-light-it.png" 1200 800 light --unlock LAPTOP-SOBRIEN bitlocker
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/unlock-macos-admin-dark-it.png" 1200 800 dark --unlock "MacBook Pro di Lorenzo" macos-admin
