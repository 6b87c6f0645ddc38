#!/usr/bin/env bash
# Refresh the vendored front-end libraries in static/vendor/ from the npm registry.
# Run only to change a version (edit package.json first); the copies are committed,
# so neither a fresh machine nor a running portal needs npm or a CDN.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$root/package.json" "$root/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund)
modules="$work/node_modules"
vendor="$root/static/vendor"
rm -rf "$vendor/echarts" "$vendor/leaflet" "$vendor/topojson-client" "$vendor/world-atlas"
mkdir -p "$vendor/echarts" "$vendor/leaflet/images" "$vendor/topojson-client" "$vendor/world-atlas"
cp "$modules/echarts/dist/echarts.min.js" "$modules/echarts/LICENSE" "$modules/echarts/NOTICE" "$vendor/echarts/"
cp "$modules/leaflet/dist/leaflet.js" "$modules/leaflet/dist/leaflet.css" "$modules/leaflet/LICENSE" "$vendor/leaflet/"
cp "$modules/leaflet/dist/images/"* "$vendor/leaflet/images/"
# The map's offline base layer: Natural Earth country outlines (1:50m, public domain) as TopoJSON,
# turned into GeoJSON in the browser by topojson-client (both ISC).
cp "$modules/topojson-client/dist/topojson-client.min.js" "$modules/topojson-client/LICENSE" "$vendor/topojson-client/"
cp "$modules/world-atlas/countries-50m.json" "$modules/world-atlas/LICENSE" "$vendor/world-atlas/"
# Source maps are not vendored, so their references go: the production static storage
# (ManifestStaticFilesStorage) refuses a file that points at a missing one.
find "$vendor" \( -name '*.js' -o -name '*.css' \) -exec sed -i -E '/^\/[/*]# sourceMappingURL=/d' {} +
version() { node -p "require('$modules/$1/package.json').version"; }
echo "vendored: echarts $(version echarts), leaflet $(version leaflet), topojson-client $(version topojson-client), world-atlas $(version world-atlas)"
