#!/usr/bin/env bash
# Boots the example program as a unikernel and shows it working: installs QEMU if it is
# missing (with sudo unless already root), then `unigo run`s examples/hello with an
# environment variable and two arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	as_root=""
	[ "$(id -u)" -eq 0 ] || as_root="sudo"
	$as_root apt-get update -qq
	$as_root apt-get install -y -qq qemu-system-x86
fi
go run ./cmd/unigo run --verbose -e GREETING=hi ./examples/hello -- one two
