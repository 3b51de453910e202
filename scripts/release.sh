#!/usr/bin/env bash
# Builds a release of terraform-provider-smuppy (and smuppy-validate) and lays it out the
# way a provider registry and Terraform's two kinds of mirror serve it. docs/install.md
# describes the files and how a user installs and verifies them.
#
#   scripts/release.sh [--version X.Y.Z] [--profile release|debug] [--out DIR]
#                      [--gpg-key KEY | --unsigned] [--hostname HOST] [--bin-dir DIR]
#
#   --version   release version; default: the provider crate's version in Cargo.toml
#   --profile   release (default): cargo build --release of both binaries;
#               debug: package the binaries already built in target/debug (no build; for tests)
#   --bin-dir   take the binaries from DIR instead of target/<profile> (no build)
#               (target/ is $CARGO_TARGET_DIR when set)
#   --out       output directory (default: dist/); existing mirror indexes there are extended
#   --gpg-key   key (id, fingerprint or e-mail) that signs the SHA256SUMS file; default
#               $SMUPPY_RELEASE_GPG_KEY. The keyring is gpg's own ($GNUPGHOME or ~/.gnupg).
#   --unsigned  no signature (a registry refuses such a release; a mirror does not need one)
#   --hostname  provider address hostname of the mirrors (default registry.terraform.io,
#               which is what source = "smuppy/smuppy" means)
#
# Output (VERSION = X.Y.Z, TARGET = this machine's os_arch, e.g. linux_amd64):
#   DIR/release/           what a registry serves (e.g. a release's assets):
#       terraform-provider-smuppy_VERSION_TARGET.zip   (binary terraform-provider-smuppy_vVERSION)
#       terraform-provider-smuppy_VERSION_manifest.json
#       terraform-provider-smuppy_VERSION_SHA256SUMS   (+ .sig, a detached binary signature)
#       terraform-provider-smuppy_VERSION_signing-key.asc  (the signer's public key, armoured)
#       smuppy-validate_VERSION_TARGET.zip
#       terraform-registry-manifest.json
#   DIR/network-mirror/HOST/smuppy/smuppy/         Provider Network Mirror Protocol tree:
#       index.json, VERSION.json (relative url + zh: hash), the zip
#   DIR/filesystem-mirror/HOST/smuppy/smuppy/      filesystem_mirror, packed layout: the zip
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PROVIDER=terraform-provider-smuppy
VALIDATOR=smuppy-validate
NAMESPACE=smuppy
TYPE=smuppy
PROTOCOL_VERSIONS='["6.0"]'

die() { echo "release: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-2}"; }

version=""
profile=release
out="$ROOT/dist"
gpg_key=""
unsigned=0
hostname=registry.terraform.io
bin_dir=""

need_arg() { [[ $# -ge 2 && -n "$2" && "$2" != --* ]] || die "$1 needs a value"; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --version) need_arg "$@"; version="$2"; shift 2 ;;
        --profile) need_arg "$@"; profile="$2"; shift 2 ;;
        --out) need_arg "$@"; out="$2"; shift 2 ;;
        --gpg-key) need_arg "$@"; gpg_key="$2"; shift 2 ;;
        --unsigned) unsigned=1; shift ;;
        --hostname) need_arg "$@"; hostname="$2"; shift 2 ;;
        --bin-dir) need_arg "$@"; bin_dir="$2"; shift 2 ;;
        -h | --help) usage 0 ;;
        *) echo "release: unknown argument: $1" >&2; usage ;;
    esac
done

for tool in python3 sha256sum; do
    command -v "$tool" >/dev/null || die "$tool is needed (Debian: apt-get install $tool)"
done
if [[ $unsigned -eq 1 && -n "$gpg_key" ]]; then
    die "--unsigned and --gpg-key exclude each other"
fi
[[ $unsigned -eq 1 ]] || gpg_key="${gpg_key:-${SMUPPY_RELEASE_GPG_KEY:-}}"
if [[ $unsigned -eq 0 ]]; then
    [[ -n "$gpg_key" ]] || die "no signing key: give --gpg-key KEY (or SMUPPY_RELEASE_GPG_KEY), or --unsigned"
    command -v gpg >/dev/null || die "gpg is needed to sign (Debian: apt-get install gnupg)"
    gpg --batch --list-secret-keys "$gpg_key" >/dev/null 2>&1 \
        || die "no secret key '$gpg_key' in the keyring ${GNUPGHOME:-~/.gnupg}"
fi
case "$profile" in release | debug) ;; *) die "--profile must be release or debug, not '$profile'" ;; esac
[[ "$hostname" =~ ^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?$ ]] || die "--hostname '$hostname' is not a hostname"

if [[ -z "$version" ]]; then
    version="$(cargo metadata --no-deps --format-version 1 --offline 2>/dev/null | python3 -c '
import json, sys
for pkg in json.load(sys.stdin)["packages"]:
    if pkg["name"] == sys.argv[1]:
        print(pkg["version"])
' "$PROVIDER")" || true
    [[ -n "$version" ]] || die "could not read the version of $PROVIDER from Cargo.toml (cargo metadata)"
fi
# Semantic version without build metadata (Terraform's version constraints compare these).
[[ "$version" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$ ]] \
    || die "--version '$version' is not a semantic version X.Y.Z[-pre]"

case "$(uname -s)" in
    Linux) os=linux ;; Darwin) os=darwin ;; FreeBSD) os=freebsd ;;
    *) die "unsupported OS $(uname -s)" ;;
esac
case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; i?86) arch=386 ;; armv*) arch=arm ;;
    *) die "unsupported architecture $(uname -m)" ;;
esac
target="${os}_${arch}"

# -- binaries ------------------------------------------------------------------------------
if [[ -z "$bin_dir" ]]; then
    bin_dir="${CARGO_TARGET_DIR:-$ROOT/target}/$profile"
    if [[ "$profile" == release ]]; then
        echo "release: cargo build --release -p $PROVIDER -p $VALIDATOR"
        cargo build --release --locked -p "$PROVIDER" --bin "$PROVIDER" -p "$VALIDATOR" --bin "$VALIDATOR"
    fi
fi
[[ -x "$bin_dir/$PROVIDER" ]] || die "$bin_dir/$PROVIDER not found; build it first (cargo build -p $PROVIDER)"
with_validator=1
if [[ ! -x "$bin_dir/$VALIDATOR" ]]; then
    [[ "$profile" == debug ]] || die "$bin_dir/$VALIDATOR not found"
    echo "release: note: $bin_dir/$VALIDATOR not built; its archive is left out" >&2
    with_validator=0
fi

# -- archives ------------------------------------------------------------------------------
# Reproducible: the file time is the commit's, no extra attributes.
epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 315532800)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rel="$out/release"
mkdir -p "$rel"

pack() { # pack BINARY NAME_IN_ZIP ZIP: one executable entry, deflated, mode 0755
    python3 - "$1" "$2" "$rel/$3" "$epoch" <<'PY'
import os, shutil, sys, time, zipfile

src, name, dest, epoch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
info = zipfile.ZipInfo(name, date_time=time.gmtime(max(epoch, 315532800))[:6])
info.create_system = 3  # Unix, so the mode below is honoured when unpacked
info.external_attr = (0o100755 << 16)
info.compress_type = zipfile.ZIP_DEFLATED
tmp = dest + ".tmp"
with open(src, "rb") as f, zipfile.ZipFile(tmp, "w") as zf, zf.open(info, "w") as out:
    shutil.copyfileobj(f, out, 1 << 20)
os.replace(tmp, dest)
PY
}

provider_zip="${PROVIDER}_${version}_${target}.zip"
# Terraform runs the file of the package whose name starts with terraform-provider-smuppy;
# the registry convention names it after the version.
pack "$bin_dir/$PROVIDER" "${PROVIDER}_v${version}" "$provider_zip"
artefacts=("$provider_zip")
if [[ $with_validator -eq 1 ]]; then
    validator_zip="${VALIDATOR}_${version}_${target}.zip"
    pack "$bin_dir/$VALIDATOR" "$VALIDATOR" "$validator_zip"
    artefacts+=("$validator_zip")
fi

manifest="{\"version\":1,\"metadata\":{\"protocol_versions\":$PROTOCOL_VERSIONS}}"
printf '%s\n' "$manifest" >"$rel/terraform-registry-manifest.json"
printf '%s\n' "$manifest" >"$rel/${PROVIDER}_${version}_manifest.json"
artefacts+=("${PROVIDER}_${version}_manifest.json")

sums="${PROVIDER}_${version}_SHA256SUMS"
(cd "$rel" && printf '%s\n' "${artefacts[@]}" | LC_ALL=C sort | xargs sha256sum) >"$rel/$sums"

rm -f "$rel/$sums.sig" "$rel/${PROVIDER}_${version}_signing-key.asc"
if [[ $unsigned -eq 0 ]]; then
    gpg --batch --yes --local-user "$gpg_key" --detach-sign --output "$rel/$sums.sig" "$rel/$sums"
    gpg --batch --yes --armor --export --output "$rel/${PROVIDER}_${version}_signing-key.asc" "$gpg_key"
    gpg --batch --verify "$rel/$sums.sig" "$rel/$sums" 2>/dev/null \
        || die "the signature just made does not verify"
fi

# -- mirrors -------------------------------------------------------------------------------
zh="zh:$(sha256sum "$rel/$provider_zip" | cut -d' ' -f1)"
net="$out/network-mirror/$hostname/$NAMESPACE/$TYPE"
fs="$out/filesystem-mirror/$hostname/$NAMESPACE/$TYPE"
mkdir -p "$net" "$fs"
cp "$rel/$provider_zip" "$net/$provider_zip"
cp "$rel/$provider_zip" "$fs/$provider_zip"

# index.json keeps the versions already in the mirror; VERSION.json keeps other platforms'
# archives of the same version. The archive url is relative to VERSION.json.
python3 - "$net" "$version" "$target" "$provider_zip" "$zh" <<'PY'
import json, os, sys

net, version, target, zip_name, zh = sys.argv[1:]

def load(path, key):
    try:
        with open(path) as f:
            doc = json.load(f)
    except FileNotFoundError:
        return {key: {}}
    if not isinstance(doc, dict) or not isinstance(doc.get(key), dict):
        sys.exit(f"release: {path} is not a mirror index (no '{key}' object); remove it")
    return doc

def save(path, doc):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)

index_path = os.path.join(net, "index.json")
index = load(index_path, "versions")
index["versions"][version] = {}
save(index_path, index)

version_path = os.path.join(net, f"{version}.json")
doc = load(version_path, "archives")
doc["archives"][target] = {"url": zip_name, "hashes": [zh]}
save(version_path, doc)
PY

echo "release: $PROVIDER $version ($target, $profile) in $out"
(cd "$out" && find release network-mirror filesystem-mirror -type f | LC_ALL=C sort | sed 's/^/  /')
# h1: is what terraform init writes into .terraform.lock.hcl for this package: the SHA-256
# of the sorted "<sha256 hex>  <name>" lines of the files in it, base64-encoded.
h1="$(python3 - "$rel/$provider_zip" <<'PY'
import base64, hashlib, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as zf:
    lines = sorted(
        f"{hashlib.sha256(zf.read(i)).hexdigest()}  {i.filename}\n" for i in zf.infolist() if not i.is_dir()
    )
print("h1:" + base64.b64encode(hashlib.sha256("".join(lines).encode()).digest()).decode())
PY
)"
echo "release: $provider_zip $zh"
echo "release: lock file hash for $target: $h1"
