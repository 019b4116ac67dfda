#!/bin/sh
# Xuất bản lên máy chủ web riêng: lấy nội dung mới (git pull), build, chép lên máy chủ bằng rsync.
# Chạy tay hoặc đặt lịch bằng cron, ví dụ mỗi ngày lúc 00:05 (để các bài hẹn ngày đăng tự xuất hiện):
#   5 0 * * * DEPLOY_TARGET=user@may-chu:/var/www/cchc /duong/dan/den/trang/deploy/xuat-ban.sh
#
# DEPLOY_TARGET  thư mục chứa các bản xuất bản trên máy chủ: user@may-chu:/var/www/cchc, hoặc
#                /var/www/cchc nếu máy chủ web là chính máy này. Mỗi lần xuất bản, trang mới được
#                chép vào một thư mục mới trong releases/, rồi liên kết current được chuyển sang nó
#                trong một bước: người đọc không bao giờ gặp trang thiếu hay nửa cũ nửa mới. Giữ lại
#                3 bản gần nhất. Thư mục gốc của máy chủ web phải là liên kết đó, ví dụ trong nginx:
#                root /var/www/cchc/current;  (máy chủ Linux; ssh vào được mà không cần mật khẩu)
# CCHCGEN_SPEC   bản cchcgen được cài (xem mục "Cài đặt" trong README.md).
#
# Lệnh dừng ngay khi build lỗi, nên trang đang chạy không bao giờ bị thay bằng bản hỏng.
set -eu
CCHCGEN_SPEC="${CCHCGEN_SPEC:-@@SPEC@@}"
KEEP=3

# Kiểm tra trước mọi thứ cần có, báo tất cả cùng lúc.
missing=""
need() {
    missing="${missing}  - $1
"
}
target="${DEPLOY_TARGET:-}"
case "$target" in
    *:*) host="${target%%:*}" dir="${target#*:}" ;;
    *) host="" dir="$target" ;;
esac
dir="${dir%/}"
if [ -z "$host" ] && [ -n "$dir" ]; then
    case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac # thư mục trên máy này, tính từ nơi chạy lệnh
fi
cd "$(dirname "$0")/.."
if [ -z "$target" ]; then
    need "Chưa đặt DEPLOY_TARGET (nơi xuất bản), ví dụ: DEPLOY_TARGET=user@may-chu:/var/www/cchc"
elif [ -z "$dir" ]; then
    need "DEPLOY_TARGET=$target chưa ghi thư mục trên máy chủ, ví dụ: user@may-chu:/var/www/cchc"
fi
case "$dir" in
    *"'"*) need "Đường dẫn $dir có dấu nháy đơn ('): hãy chọn thư mục khác trên máy chủ" ;;
esac
if ! command -v git >/dev/null 2>&1; then
    need "Máy này chưa cài git. Cài bằng lệnh: sudo apt install git"
elif ! git rev-parse --abbrev-ref '@{upstream}' >/dev/null 2>&1; then
    need "Kho nội dung chưa gắn với kho trên mạng nên không lấy được bài mới. Gắn một lần bằng lệnh: git push -u origin main"
fi
if [ ! -x .venv-cchcgen/bin/cchcgen ]; then
    if ! command -v python3 >/dev/null 2>&1; then
        need "Máy này chưa cài Python 3. Cài bằng lệnh: sudo apt install python3 python3-venv"
    elif ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
        need "Máy này thiếu gói python3-venv để cài cchcgen. Cài bằng lệnh: sudo apt install python3-venv"
    fi
fi
if ! command -v rsync >/dev/null 2>&1; then
    need "Máy này chưa cài rsync để chép trang lên máy chủ. Cài bằng lệnh: sudo apt install rsync"
fi
if [ -n "$host" ] && ! command -v ssh >/dev/null 2>&1; then
    need "Máy này chưa cài ssh để kết nối máy chủ $host. Cài bằng lệnh: sudo apt install openssh-client"
fi
if [ -n "$missing" ]; then
    printf 'Chưa xuất bản được, vì:\n%sTrang web đang chạy không thay đổi.\n' "$missing" >&2
    exit 1
fi

# on_server ARGS...: chạy đoạn lệnh sh (đọc từ đầu vào) trên máy chủ web, $1 là thư mục xuất bản
on_server() {
    if [ -n "$host" ]; then
        ssh "$host" "sh -s -- '$dir' $*"
    else
        sh -s -- "$dir" "$@"
    fi
}

git pull --ff-only
if [ ! -x .venv-cchcgen/bin/cchcgen ]; then
    python3 -m venv .venv-cchcgen
fi
.venv-cchcgen/bin/pip install --quiet "${CCHCGEN_SPEC}"
.venv-cchcgen/bin/cchcgen build

# Một thư mục mới cho bản này: releases/<ngày giờ UTC>
release=$(on_server "$(date -u +%Y%m%d-%H%M%S)" <<'EOF'
set -eu
mkdir -p "$1/releases"
cd "$1"
if [ -e current ] && [ ! -L current ]; then
    echo "$1/current đã có và không phải liên kết: hãy đổi tên nó, rồi chạy lại" >&2
    exit 1
fi
name=$2 n=1
while [ -e "releases/$name" ]; do n=$((n + 1)) name="$2-$n"; done
mkdir "releases/$name"
if [ -L current ]; then echo "$name live"; else echo "$name"; fi
EOF
) || {
    echo "Không chuẩn bị được thư mục $dir trên máy chủ; trang web đang chạy không thay đổi." >&2
    exit 1
}
live=""
case "$release" in *" live") release="${release% live}" live="--link-dest=../../current/" ;; esac
remote="$dir/releases/$release/"
[ -z "$host" ] || remote="$host:$remote"
# tệp không đổi được liên kết cứng (hard link) với bản đang chạy: không tốn thêm chỗ
# shellcheck disable=SC2086 # $live is empty or one word
if ! rsync -a --delete --checksum $live public/ "$remote"; then
    on_server "$release" <<'EOF' || true
rm -rf "$1/releases/$2"
EOF
    echo "Chép lên máy chủ không thành công; trang web đang chạy không thay đổi." >&2
    exit 1
fi

# Chuyển liên kết current sang bản mới trong một bước, rồi xóa các bản cũ ngoài 3 bản gần nhất.
on_server "$release" "$KEEP" <<'EOF'
set -eu
cd "$1"
rm -f .current.new
ln -s "releases/$2" .current.new
mv -T .current.new current
ls -1 releases | sort -r | tail -n "+$(($3 + 1))" | while read -r old; do
    [ "$old" = "$2" ] || rm -rf "releases/$old"
done
EOF
echo "Đã xuất bản: ${host:+$host:}$dir/current → releases/$release"
