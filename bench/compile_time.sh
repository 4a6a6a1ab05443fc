#!/usr/bin/env bash
# Compile time of the derive: a generated crate of 100 models built with Diesel's derives only,
# and the same crate with `#[derive(SoftDelete)]` added to every model. Dependencies are built
# first; each variant's own crate is then rebuilt five times, alternating with the other, and the
# fastest build of each is kept.
# Prints `ratio_derive_vs_plain=<derive/plain>`; the target is at most 1.25.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${COMPILE_BENCH_DIR:-$(mktemp -d)}
models=${MODELS:-100}

generate() { # DIR WITH_DERIVE
    local dir=$1 derive=$2
    mkdir -p "$dir/src"
    cat > "$dir/Cargo.toml" <<TOML
[package]
name = "$(basename "$dir")"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
soft_delete_core = { path = "$root/soft_delete_core" }
diesel = { version = "2.3", default-features = false, features = ["chrono", "sqlite"] }
chrono = { version = "0.4", default-features = false }

[workspace]
TOML
    {
        echo '#![allow(dead_code, missing_docs)]'
        echo 'use chrono::NaiveDateTime;'
        echo 'use diesel::prelude::*;'
        [[ $derive == yes ]] && echo 'use soft_delete_core::SoftDelete;'
        for n in $(seq 1 "$models"); do
            cat <<RUST
diesel::table! { model_${n}s (id) { id -> Integer, name -> Text, owner -> Integer, deleted_at -> Nullable<Timestamp>, } }
#[derive(Queryable, Selectable, Identifiable$([[ $derive == yes ]] && echo ', SoftDelete'))]
#[diesel(table_name = model_${n}s)]
pub struct Model${n} { pub id: i32, pub name: String, pub owner: i32, pub deleted_at: Option<NaiveDateTime> }
RUST
        done
    } > "$dir/src/lib.rs"
}

build_seconds() { # DIR: one rebuild of the crate itself, in seconds
    local dir=$1 started ended
    touch "$dir/src/lib.rs"
    started=$(date +%s.%N)
    (cd "$dir" && CARGO_TARGET_DIR="$work/target" cargo build -q)
    ended=$(date +%s.%N)
    echo "$ended - $started" | bc
}

min() { # A B: the smaller, or B when A is empty
    if [[ -z $1 ]] || (( $(echo "$2 < $1" | bc) )); then echo "$2"; else echo "$1"; fi
}

generate "$work/plain_models" no
generate "$work/derived_models" yes
for dir in plain_models derived_models; do
    (cd "$work/$dir" && CARGO_TARGET_DIR="$work/target" cargo build -q 2>/dev/null)
done
# Alternate the two, so a slow spell of the machine falls on both alike; keep the fastest.
plain= derived=
for _ in $(seq "${ROUNDS:-5}"); do
    plain=$(min "$plain" "$(build_seconds "$work/plain_models")")
    derived=$(min "$derived" "$(build_seconds "$work/derived_models")")
done
echo "models=$models plain_seconds=$plain derive_seconds=$derived"
echo "ratio_derive_vs_plain=$(echo "scale=3; $derived / $plain" | bc)"
