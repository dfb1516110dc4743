#!/usr/bin/env bash
# Debian packages the project needs beyond Python: Chromium (browser tests), gettext (translations),
# poppler-utils (PDF checks) and a TrueType CJK font (Chinese in PDFs). Installs only what is missing;
# without root it names what is missing and stops, so nothing is half set up silently.
# Usage: scripts/system-packages.sh test|demo
set -euo pipefail
want=(gettext:msgfmt fonts-wqy-microhei:/usr/share/fonts/truetype/wqy/wqy-microhei.ttc)
if [ "${1:-test}" = test ]; then
  want+=(chromium:chromium poppler-utils:pdftoppm)
fi
missing=()
for item in "${want[@]}"; do
  pkg=${item%%:*} probe=${item#*:}
  if [[ $probe == /* ]]; then [ -e "$probe" ] || missing+=("$pkg")
  else command -v "$probe" >/dev/null || missing+=("$pkg"); fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
