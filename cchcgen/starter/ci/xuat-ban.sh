#!/bin/sh
# Xuất bản lên máy chủ web riêng bằng rsync; chạy tay hoặc đặt lịch bằng cron, ví dụ mỗi ngày
# lúc 00:05 (để các bài hẹn ngày đăng tự xuất hiện):
#   5 0 * * * DEPLOY_TARGET=user@may-chu:/var/www/cchc/ /duong/dan/den/trang/deploy/xuat-ban.sh
# Lệnh dừng ngay khi build lỗi, nên trang đang chạy không bao giờ bị thay bằng bản hỏng.
set -eu
: "${DEPLOY_TARGET:?đặt DEPLOY_TARGET, ví dụ user@may-chu:/var/www/cchc/}"
CCHCGEN_VERSION="${CCHCGEN_VERSION:-@@VERSION@@}"
cd "$(dirname "$0")/.."
git pull --ff-only
if [ ! -x .venv-cchcgen/bin/cchcgen ]; then
    python3 -m venv .venv-cchcgen
fi
.venv-cchcgen/bin/pip install --quiet "cchcgen==${CCHCGEN_VERSION}"
.venv-cchcgen/bin/cchcgen build
rsync -a --delete --checksum public/ "${DEPLOY_TARGET}"
