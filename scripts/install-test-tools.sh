#!/usr/bin/env bash
# Installs what the build and the tests need on Debian 12 (run as root; .ci/run calls it):
# the system packages, and the Python test tools in one virtual environment, .build-venv/
# (Debian's own Python refuses system-wide pip installs, PEP 668). Tests find the tools there.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" = 0 ] && [ "${INSTALL_SYSTEM_PACKAGES:-yes}" != no ]; then
    apt-get update
    # libyaml-dev: the YAML parser (system library target CYAML), found by pkg-config;
    # zlib1g-dev: gzip of the agents' uploads (system library target CZlib);
    # libsqlite3-dev: the store (GRDB); python3-venv: the virtual environment below;
    # sqlite3: tests tamper with a store the way a person editing it by hand would;
    # postgresql-15: the PostgreSQL store's tests (scripts/postgres-test-server.sh starts one);
    # iproute2, nftables: the node partition test's network namespace and the agents' lab
    # (scripts/netns-lab.sh);
    # curl: the portal's page tests; openssl: the certificate the SDK test's nodes share;
    # chromium, chromium-driver: the portal's browser tests.
    apt-get install -y --no-install-recommends libyaml-dev zlib1g-dev pkg-config libsqlite3-dev python3-venv \
        sqlite3 postgresql-15 iproute2 nftables curl openssl chromium chromium-driver
fi

venv=.build-venv
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r scripts/test-requirements.txt
