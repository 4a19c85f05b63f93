#!/bin/sh
# Renders data/screenshots/*.png from the real window on the demo tenant, under Xvfb.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-_build}
ninja -C "$BUILD" tests/ui/screenshot
out=data/screenshots
mkdir -p "$out"
shot () {
  xvfb-run -a -s "-screen 0 1400x1000x24" env GSETTINGS_BACKEND=memory \
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

# Unlock options: a card with its secret read (still hidden), BitLocker's keys, a rotation.
shot "$out/unlock-laps-light.png" 1200 800 light --unlock DESKTOP-7QK2L9M laps
shot "$out/unlock-bitlocker-dark.png" 1200 800 dark --unlock LAPTOP-SOBRIEN bitlocker
shot "$out/unlock-rotate-light.png" 1200 800 light --unlock "MacBook Pro di Lorenzo" filevault rotate

# The same window and wizard in Italian.
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/window-wide-light-it.png" 1200 800 light "" ios-corporate
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/wizard-explain-light-it.png" 520 640 light --wizard android-byod-work-profile explain
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/wizard-result-light-it.png" 520 640 light --wizard android-byod-work-profile result
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/unlock-filevault-light-it.png" 1200 800 light --unlock "MacBook Pro di Lorenzo" filevault
LANG_UI=it LC_UI=it_IT.UTF-8 shot "$out/unlock-rotate-light-it.png" 1200 800 light --unlock DESKTOP-7QK2L9M laps rotate
