//! `declare_rule!`: a rule's identity, written once in its own file (the spirit of oxc's
//! `declare_oxc_lint!` and clippy's `declare_clippy_lint!`), with whether its fixes are safe.
//! It defines the unit struct, the module's `META` (with the doc from `rules/<name>.md`, so a missing doc fails to compile)
//! and `NAME`, and implements [`super::Declared`].

macro_rules! declare_rule {
    (@fix) => {
        None
    };
    (@fix $fix:ident) => {
        Some($crate::finding::Applicability::$fix)
    };
    (
        $(#[$attr:meta])*
        pub struct $rule:ident {
            name: $name:literal,
            category: $category:ident,
            severity: $severity:ident,
            $(also: [$($also:ident),* $(,)?],)?
            $(fix: $fix:ident,)?
        }
    ) => {
        $(#[$attr])*
        pub struct $rule;

        #[allow(dead_code)]
        const NAME: &str = $name;

        pub(crate) static META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            name: $name,
            category: $crate::rules::Category::$category,
            severity: $crate::finding::Severity::$severity,
            also: &[$($($crate::finding::Severity::$also),*)?],
            fix: declare_rule!(@fix $($fix)?),
            doc: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $name, ".md")),
        };

        impl $crate::rules::Declared for $rule {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                &META
            }
        }
    };
}
