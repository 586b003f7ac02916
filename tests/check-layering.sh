#!/bin/sh
# Checks the include rules of STYLE.md: each src/ folder includes only the folders below it.
# Prints every violation as file:line and exits 1 if there is one.
set -u
cd "$(dirname "$0")/.."
allowed() {  # folder -> folders it may include (besides itself)
  case "$1" in
    util) echo "" ;;
    loop) echo "util" ;;
    dns) echo "util" ;;
    zone) echo "util dns r53model" ;;
    update) echo "util dns zone r53model" ;;
    xfr) echo "util dns zone loop net r53model" ;;
    r53) echo "util loop" ;;
    commit) echo "util dns zone update r53 loop r53model" ;;
    net) echo "util dns loop" ;;
    config) echo "util" ;;
    status) echo "util loop" ;;
    daemon) echo "*" ;;
  esac
}
bad=0
# The r53model exception above holds only while those files stay util-only.
for f in src/r53/model.h src/r53/model.cc src/r53/names.h src/r53/names.cc; do
  [ -f "$f" ] || continue
  grep -n '#include "' "$f" | while IFS= read -r line; do
    inc=$(echo "$line" | sed 's/.*#include "\([^"]*\)".*/\1/')
    case "$inc" in util/*|r53/model.h|r53/names.h) continue ;; esac
    echo "$f:${line%%:*}: the r53 data model (included by zone/) may not include $inc"
    echo x >> /tmp/.r53d-layering.$$
  done
done
for dir in src/*/; do
  d=$(basename "$dir")
  ok=$(allowed "$d")
  [ "$ok" = "*" ] && continue
  for f in "$dir"*.h "$dir"*.cc; do
    [ -f "$f" ] || continue
    grep -n '#include "' "$f" | while IFS= read -r line; do
      inc=$(echo "$line" | sed 's/.*#include "\([^"]*\)".*/\1/')
      top=${inc%%/*}
      [ "$top" = "$inc" ] && continue          # same-folder include without a path
      [ "$top" = "$d" ] && continue
      # The Route 53 data model may be used by the DNS-side folders: its plain structs
      # (r53/model.h) and the rules for spelling and ordering names (r53/names.h: one
      # implementation of the \ooo escapes, which zone/r53_convert needs for ldns names).
      # Both include only util (checked below), so this lets nothing else of r53 in.
      case "$inc" in r53/model.h|r53/names.h) top=r53model ;; esac
      case " $ok " in *" $top "*) continue ;; esac
      echo "$f:${line%%:*}: $d may not include $inc"
      echo x >> /tmp/.r53d-layering.$$
    done
  done
done
if [ -f /tmp/.r53d-layering.$$ ]; then rm -f /tmp/.r53d-layering.$$; exit 1; fi
exit 0
