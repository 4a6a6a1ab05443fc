#!/usr/bin/env bash
# Compile time of the derive: a generated crate of 100 models built with Diesel's derives only,
# and the same crate with `#[derive(SoftDelete)]` added to every model. Dependencies are built
# first; each variant's own crate is then rebuilt three times and the fastest build is kept.
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

build_seconds() { # DIR
    local dir=$1 best=
    (cd "$dir" && CARGO_TARGET_DIR="$work/target" cargo build -q 2>/dev/null)
    for _ in 1 2 3; do
        touch "$dir/src/lib.rs"
        local started ended
        started=$(date +%s.%N)
        (cd "$dir" && CARGO_TARGET_DIR="$work/target" cargo build -q)
        ended=$(date +%s.%N)
        local took
        took=$(echo "$ended - $started" | bc)
        if [[ -z $best ]] || (( $(echo "$took < $best" | bc) )); then best=$took; fi
    done
    echo "$best"
}

generate "$work/plain_models" no
generate "$work/derived_models" yes
plain=$(build_seconds "$work/plain_models")
derived=$(build_seconds "$work/derived_models")
echo "models=$models plain_seconds=$plain derive_seconds=$derived"
echo "ratio_derive_vs_plain=$(echo "scale=3; $derived / $plain" | bc)"
