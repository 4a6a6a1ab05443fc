//! Helpers for the compile-time checks the derive emits beside a model's facts.

use core::marker::PhantomData;

use super::Model;
use super::edges::{Hard, Keep, Owned, Restrict, Soft, Tree};
use super::tombstone::{Flag, Timestamp};

#[doc(hidden)]
/// The Rust type of the field a tombstone is read into: `Option<T>` for a [`Timestamp`], `bool`
/// for a [`Flag`]. The derive checks the tombstone field against its column through it, so
/// when the field's type could not make a tombstone (an error at the field already), naming it
/// fails silently and the check adds no second error.
pub trait FieldOf {
    /// The field's Rust type.
    type Field;
}

impl<C, T> FieldOf for Timestamp<C, T> {
    type Field = Option<T>;
}

impl<C> FieldOf for Flag<C> {
    type Field = bool;
}

#[doc(hidden)]
/// `Self` as the child of a soft cascade edge from `Parent`: the model itself. The derive
/// implements it for every model (for any parent), and names a soft edge's child through it
/// everywhere (its graph, its foreign key, its parent check). For a child that is not a model
/// there is no impl, so naming it fails once, at the edge, with the advice below, and what is
/// named through it is not checked again. A [`Model`] written by hand that is the child of a
/// soft edge implements it the same way: `impl<P> SoftChildOf<P> for Issue { type Model = Self; }`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not soft-deletable, so the soft cascade edge from `{Parent}` cannot tombstone its rows",
    label = "a soft edge needs a child that derives `SoftDelete`",
    note = "derive `SoftDelete` for `{Self}` if its table has a tombstone; otherwise say what happens to its rows when a `{Parent}` is deleted: `#[cascade({Self}(hard))]` deletes them, `#[cascade({Self}(restrict))]` refuses while any exist, `#[cascade({Self}(keep))]` leaves them"
)]
pub trait SoftChildOf<Parent> {
    /// `Self`.
    type Model: Model;
}

/// How many models deep the cycle check looks: a cycle through more models than this is not
/// reported by the derive (and would overflow the compiler's trait solver at the first call
/// that needs the cascade).
pub const CYCLE_DEPTH: usize = 8;

#[doc(hidden)]
/// Type-level depth zero, for [`Reach`].
pub struct Z;

#[doc(hidden)]
/// Type-level depth `N + 1`, for [`Reach`].
pub struct S<N>(PhantomData<fn() -> N>);

#[doc(hidden)]
/// The depth the derive's cycle check starts from: [`CYCLE_DEPTH`] as a type.
pub type CycleDepth = S<S<S<S<S<S<S<S<Z>>>>>>>>;

#[doc(hidden)]
/// Whether the edges `Self` (an edge, or a model's tuple of edges) reach model `Target` within
/// `Depth` soft edges, and through which models.
///
/// A trait with an associated constant rather than a walk of the graph constants: a constant
/// may not read the graph of a model that reaches it back (that constant would contain
/// itself), while these constants are instantiated once per depth, and a cycle is only as
/// long as the depth.
pub trait Reach<Target, Depth> {
    /// The models from the edge's child to `Target`, or an empty trail.
    const TRAIL: Trail;
}

macro_rules! reach_tuples {
    ($($item:ident),*) => {
        impl<Target, Depth, $($item: Reach<Target, Depth>),*> Reach<Target, Depth> for ($($item,)*) {
            const TRAIL: Trail = Trail::NONE$(.or(<$item as Reach<Target, Depth>>::TRAIL))*;
        }
    };
}

reach_tuples!();
reach_tuples!(A);
reach_tuples!(A, B);
reach_tuples!(A, B, C);
reach_tuples!(A, B, C, D);
reach_tuples!(A, B, C, D, E);
reach_tuples!(A, B, C, D, E, F);
reach_tuples!(A, B, C, D, E, F, G);
reach_tuples!(A, B, C, D, E, F, G, H);
reach_tuples!(A, B, C, D, E, F, G, H, I);
reach_tuples!(A, B, C, D, E, F, G, H, I, J);
reach_tuples!(A, B, C, D, E, F, G, H, I, J, K);
reach_tuples!(A, B, C, D, E, F, G, H, I, J, K, L);
reach_tuples!(A, B, C, D, E, F, G, H, I, J, K, L, M);
reach_tuples!(A, B, C, D, E, F, G, H, I, J, K, L, M, N);
reach_tuples!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O);
reach_tuples!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P);

/// A soft edge to `Child`, at the last depth: does it reach `Target` itself?
impl<Child: Model, Fk, Target: Model> Reach<Target, Z> for Soft<Child, Fk> {
    const TRAIL: Trail = Trail::NONE.or(Trail::at::<Child, Target>());
}

/// A soft edge to `Child`: `Child` is `Target`, or its own edges reach `Target`.
impl<Child, Fk, Target, Depth> Reach<Target, S<Depth>> for Soft<Child, Fk>
where
    Child: Model,
    Target: Model,
    Child::Cascade: Reach<Target, Depth>,
{
    const TRAIL: Trail =
        Trail::at::<Child, Target>()
            .or(<Child::Cascade as Reach<Target, Depth>>::TRAIL.after(Child::MODEL));
}

/// An owned record is cascaded to as a soft child is.
impl<Child: Model, Column, Target: Model> Reach<Target, Z> for Owned<Child, Column> {
    const TRAIL: Trail = Trail::NONE.or(Trail::at::<Child, Target>());
}

impl<Child, Column, Target, Depth> Reach<Target, S<Depth>> for Owned<Child, Column>
where
    Child: Model,
    Target: Model,
    Child::Cascade: Reach<Target, Depth>,
{
    const TRAIL: Trail =
        Trail::at::<Child, Target>()
            .or(<Child::Cascade as Reach<Target, Depth>>::TRAIL.after(Child::MODEL));
}

/// The edges that cascade to no other model: a tree (to itself, through a recursive query),
/// a hard or restricting edge (to a table that is not soft-deletable), a kept edge (nothing).
macro_rules! reach_nothing {
    ($($edge:ident<$($param:ident),*>),*) => {$(
        impl<$($param,)* Target, Depth> Reach<Target, Depth> for $edge<$($param),*> {
            const TRAIL: Trail = Trail::NONE;
        }
    )*};
}

reach_nothing!(Tree<Fk>, Hard<Child, Fk>, Restrict<Child, Fk, Live>, Keep<Fk>);

#[doc(hidden)]
/// The models a cascade passes through on its way back to where it started, child first.
#[derive(Clone, Copy)]
pub struct Trail {
    models: [&'static str; CYCLE_DEPTH + 1],
    len: usize,
}

impl Trail {
    /// No path.
    pub const NONE: Trail = Trail {
        models: [""; CYCLE_DEPTH + 1],
        len: 0,
    };

    /// `[Child]` when `Child` is `Target`, else none.
    const fn at<Child: Model, Target: Model>() -> Trail {
        if same::<Child, Target>() {
            let mut trail = Trail::NONE;
            trail.models[0] = Child::MODEL;
            trail.len = 1;
            trail
        } else {
            Trail::NONE
        }
    }

    /// This trail, or `other` if this one is empty.
    #[must_use]
    pub const fn or(self, other: Trail) -> Trail {
        if self.len > 0 { self } else { other }
    }

    /// `model` and then this trail, if this one leads anywhere.
    const fn after(self, model: &'static str) -> Trail {
        if self.len == 0 || self.len > CYCLE_DEPTH {
            return self;
        }
        let mut trail = Trail::NONE;
        trail.models[0] = model;
        let mut index = 0;
        while index < self.len {
            trail.models[index + 1] = self.models[index];
            index += 1;
        }
        trail.len = self.len + 1;
        trail
    }
}

/// Whether `A` and `B` are the same model, by name and table (a constant cannot compare types).
const fn same<A: Model, B: Model>() -> bool {
    str_eq(A::MODEL, B::MODEL) && str_eq(A::TABLE, B::TABLE)
}

const fn str_eq(a: &str, b: &str) -> bool {
    matches!(compare(a, b), core::cmp::Ordering::Equal)
}

const fn compare(a: &str, b: &str) -> core::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut index = 0;
    while index < a.len() && index < b.len() {
        if a[index] != b[index] {
            return if a[index] < b[index] {
                core::cmp::Ordering::Less
            } else {
                core::cmp::Ordering::Greater
            };
        }
        index += 1;
    }
    if a.len() < b.len() {
        core::cmp::Ordering::Less
    } else if a.len() > b.len() {
        core::cmp::Ordering::Greater
    } else {
        core::cmp::Ordering::Equal
    }
}

#[doc(hidden)]
/// The derive's check of a soft edge from `Parent` to `Child`: the message to stop the build
/// with when the edge closes a cycle of soft edges, written so that the cycle is reported once,
/// by the edge that leaves its first model by name.
#[must_use]
pub const fn cycle<Parent: Model, Child: Model>() -> Message
where
    Child::Cascade: Reach<Parent, CycleDepth>,
{
    let trail = Trail::at::<Child, Parent>()
        .or(<Child::Cascade as Reach<Parent, CycleDepth>>::TRAIL.after(Child::MODEL));
    if trail.len == 0 {
        return Message::NONE;
    }
    // Every model on the cycle sees it; the first by name reports it.
    let mut index = 0;
    while index < trail.len {
        if matches!(
            compare(trail.models[index], Parent::MODEL),
            core::cmp::Ordering::Less
        ) {
            return Message::NONE;
        }
        index += 1;
    }
    let mut message = Message::NONE;
    message.push("cascade cycle: ");
    message.push_model(Parent::MODEL);
    let mut index = 0;
    while index < trail.len {
        message.push(" -> ");
        message.push_model(trail.models[index]);
        index += 1;
    }
    message.push(". A soft delete would come back to where it started, and a restore could not tell which delete hid a row. Make one direction `keep`, so its rows outlive their parent on purpose: write `#[cascade(");
    message.push(Child::MODEL);
    message.push("(keep))]` here and drop `parent = ");
    message.push(Parent::MODEL);
    message.push("` from `");
    message.push(Child::MODEL);
    message.push("`, or remove this edge");
    message
}

#[doc(hidden)]
/// A message built at compile time, for a `panic!` in a constant.
pub struct Message {
    bytes: [u8; 1024],
    len: usize,
}

impl Message {
    /// No message: the check passed.
    const NONE: Message = Message {
        bytes: [0; 1024],
        len: 0,
    };

    const fn push(&mut self, text: &str) {
        let text = text.as_bytes();
        let mut index = 0;
        while index < text.len() && self.len < self.bytes.len() {
            self.bytes[self.len] = text[index];
            self.len += 1;
            index += 1;
        }
    }

    const fn push_model(&mut self, model: &str) {
        self.push("`");
        self.push(model);
        self.push("`");
    }

    /// The message, if the check failed.
    #[must_use]
    pub const fn text(&self) -> Option<&str> {
        if self.len == 0 {
            return None;
        }
        // Whole strings are pushed, and the buffer is long enough for eight model names.
        match core::str::from_utf8(self.bytes.split_at(self.len).0) {
            Ok(text) => Some(text),
            Err(_) => Some("cascade cycle between models; make one direction `keep`"),
        }
    }
}
