#!/bin/sh
# tools/dev.sh - the README's two commands.
#
#   sh tools/dev.sh example   install what is missing, build, plan the built-in example
#   sh tools/dev.sh test      install what is missing, build, run every test
#                             but the valgrind ones (minutes of CPU)
#   sh tools/dev.sh test --valgrind   the same with the valgrind tests (.ci/run)
#   sh tools/dev.sh deps      only install the dependencies
#
# Dependencies: on Debian/Ubuntu as root they are installed with apt-get
# (after apt-get update); on macOS with Homebrew.  Otherwise the script says
# which ones it cannot find.  The build goes to ./build (BUILD_DIR overrides).
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

DEBIAN_PACKAGES="build-essential cmake pkg-config ca-certificates libcjson-dev libsqlite3-dev
libcmocka-dev libcurl4-openssl-dev python3 valgrind chromium"
BREW_PACKAGES="cmake pkg-config cjson sqlite cmocka curl python node"

deps() {
    if [ "$(uname -s)" = Darwin ]; then
        if command -v brew >/dev/null; then
            # shellcheck disable=SC2086
            brew install $BREW_PACKAGES
            # Homebrew's sqlite and curl are keg-only: let pkg-config find them
            PKG_CONFIG_PATH="$(brew --prefix sqlite)/lib/pkgconfig:$(brew --prefix curl)/lib/pkgconfig:${PKG_CONFIG_PATH:-}"
            export PKG_CONFIG_PATH
        else
            echo "tools/dev.sh: install Homebrew (https://brew.sh), then run me again" >&2
            exit 1
        fi
    elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        packages=$DEBIAN_PACKAGES
        # a Node.js from elsewhere (NodeSource) ships its own npm and conflicts
        # with Debian's: add Debian's only when there is none
        command -v npm >/dev/null || packages="$packages nodejs npm"
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $packages >/dev/null
    fi
    missing=""
    for tool in cmake pkg-config cc python3; do
        command -v "$tool" >/dev/null || missing="$missing $tool"
    done
    for lib in libcjson sqlite3 cmocka libcurl; do
        pkg-config --exists "$lib" 2>/dev/null || missing="$missing $lib"
    done
    if [ -n "$missing" ]; then
        echo "tools/dev.sh: missing:$missing (Debian: run me as root to apt-get them)" >&2
        exit 1
    fi
}

JOBS=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)

build() {
    cmake -S . -B "$BUILD_DIR" >/dev/null
    cmake --build "$BUILD_DIR" -j"$JOBS"
}

# (one command per line: `set -e` does not reach into functions called
# from an && list)
case "${1:-}" in
deps)
    deps
    ;;
example)
    deps
    build
    "$BUILD_DIR/mlxplan" plan --example
    ;;
test)
    case "${2:-}" in
    "") skip="-LE valgrind" ;;
    --valgrind) skip="" ;;
    *)
        echo "tools/dev.sh: unknown option '$2' (test takes --valgrind)" >&2
        exit 2
        ;;
    esac
    deps
    build
    # shellcheck disable=SC2086
    ctest --test-dir "$BUILD_DIR" -j"$JOBS" --output-on-failure $skip
    ;;
*)
    echo "usage: sh tools/dev.sh example | test [--valgrind] | deps" >&2
    exit 2
    ;;
esac
