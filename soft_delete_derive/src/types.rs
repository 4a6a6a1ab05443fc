//! Recognising the field types the derive cares about, by their written form.
//!
//! A proc macro sees tokens, not resolved types, so a type alias for `Option<NaiveDateTime>`
//! is not recognised; the error message says which spellings are.

use syn::{GenericArgument, PathArguments, Type};

/// The Rust type of a timestamp tombstone's inner value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum StampType {
    /// `chrono::NaiveDateTime`.
    Naive,
    /// `chrono::DateTime<Utc>`.
    Utc,
}

/// The last segment of a path type and its generic arguments.
fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        Type::Group(group) => last_segment(&group.elem),
        Type::Paren(paren) => last_segment(&paren.elem),
        _ => None,
    }
}

/// The single type argument of a segment like `Option<T>`.
fn single_argument(segment: &syn::PathSegment) -> Option<&Type> {
    let PathArguments::AngleBracketed(arguments) = &segment.arguments else {
        return None;
    };
    let mut types = arguments.args.iter().filter_map(|argument| match argument {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    });
    let first = types.next()?;
    types.next().is_none().then_some(first)
}

/// `T` for `Option<T>`.
pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
    let segment = last_segment(ty)?;
    (segment.ident == "Option")
        .then(|| single_argument(segment))
        .flatten()
}

/// Which timestamp `ty` is, if it is `NaiveDateTime` or `DateTime<Utc>`.
pub(crate) fn stamp_type(ty: &Type) -> Option<StampType> {
    let segment = last_segment(ty)?;
    if segment.ident == "NaiveDateTime" && segment.arguments.is_none() {
        return Some(StampType::Naive);
    }
    if segment.ident == "DateTime" {
        let zone = last_segment(single_argument(segment)?)?;
        return (zone.ident == "Utc").then_some(StampType::Utc);
    }
    None
}

/// Whether `ty` is `bool`.
pub(crate) fn is_bool(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|segment| segment.ident == "bool" && segment.arguments.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(text: &str) -> Type {
        syn::parse_str(text).unwrap()
    }

    #[test]
    fn recognises_optional_timestamps() {
        let naive = ty("Option<chrono::NaiveDateTime>");
        assert_eq!(
            stamp_type(option_inner(&naive).unwrap()),
            Some(StampType::Naive)
        );
        let utc = ty("::core::option::Option<DateTime<chrono::Utc>>");
        assert_eq!(
            stamp_type(option_inner(&utc).unwrap()),
            Some(StampType::Utc)
        );
    }

    #[test]
    fn rejects_other_types() {
        assert_eq!(stamp_type(&ty("DateTime<Local>")), None);
        assert_eq!(option_inner(&ty("Vec<i32>")), None);
        assert!(is_bool(&ty("bool")));
        assert!(!is_bool(&ty("Option<bool>")));
    }
}
