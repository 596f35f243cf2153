#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing (as root, with
# apt-get); otherwise says what to install and how to run the tests that need none of them.
#   tools/system-packages.sh           install what is missing (or fail, saying what)
#   tools/system-packages.sh --check   only report: exit 1 and list what is missing
# Each entry: the commands that satisfy it (any one, separated by |), and the package that
# provides them. The browser tests accept the same two Chromium names (tests/browser).
set -euo pipefail

needed=(
  "g++:g++"                              # tests/cpp: cpp_standalone builds with g++ and make
  "make:make"
  "cmake:cmake"                          # tests/cpp/test_cpp_cmake.py: CMakeLists.txt builds
  "chromium|chromium-browser:chromium"   # tests/browser: headless Chromium (Playwright)
)

check_only=0
case "${1:-}" in
  --check) check_only=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

missing=()
for entry in "${needed[@]}"; do
  found=0
  IFS='|' read -r -a commands <<< "${entry%%:*}"
  for command in "${commands[@]}"; do
    command -v "$command" >/dev/null 2>&1 && found=1 && break
  done
  [ "$found" -eq 1 ] || missing+=("${entry#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$check_only" -eq 0 ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
  cat >&2 <<EOF
missing system packages: ${missing[*]}
Install them as root (Debian/Ubuntu: apt-get install ${missing[*]}), or run the tests
that need none of them (the C++ and browser tests are deselected):
  make test SYSTEM_PACKAGES= PYTEST_ARGS='-m "not cpp and not browser"'
EOF
  exit 1
fi
