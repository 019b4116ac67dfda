#!/usr/bin/env bash
# Install the Debian packages the tests need when they are missing:
#   chromium     end-to-end tests (Playwright drives /usr/bin/chromium; no browser download)
#   libcairo2    cairosvg, which renders our SVG QR codes so zxing-cpp can decode them
#   nginx        the web server test serves a built site with the generated _nginx.conf
#   rsync        tests/test_publish.py runs the generated deploy/xuat-ban.sh
#   npm          scripts/vendor-cms.sh fetches the browser admin (Decap CMS) from npm
set -euo pipefail
need=()
command -v npm >/dev/null 2>&1 || need+=(npm)
[ -x /usr/bin/chromium ] || need+=(chromium fonts-dejavu-core)
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v rsync >/dev/null 2>&1 || need+=(rsync)
if command -v dpkg >/dev/null 2>&1; then
  dpkg -s libcairo2 >/dev/null 2>&1 || need+=(libcairo2)
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing ${need[*]} for the tests..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
/usr/bin/chromium --version
