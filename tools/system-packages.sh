#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing.
# Each entry: a command to look for, and the package that provides it.
set -euo pipefail

needed=(
  "g++:g++"
  "cmake:cmake"         # tests/cpp/test_cpp_cmake.py: the generated CMakeLists.txt builds
  "chromium:chromium"   # tests/browser: headless Chromium driven by Playwright
)

missing=()
for entry in "${needed[@]}"; do
  command -v "${entry%%:*}" >/dev/null 2>&1 || missing+=("${entry#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
  echo "missing system packages: ${missing[*]} (install them with your package manager)" >&2
  exit 1
fi
